namespace ActorNas.Core.Caching;

/// <summary>
/// Keeps the layers the search will ask for next. Regularized Evolution draws each parent as the best of S models
/// sampled from the P youngest, so the strong young models are donors again and again until they age out, and a child
/// asks for every layer of its model: the prefix before its mutation is its parent's. The policy predicts those choices
/// from the objectives of the evaluated models it heard of, and counts what the last W donor choices asked for.
/// </summary>
/// <remarks>
/// <para>A held layer's score is <c>window + 10 x expected + history / 3</c>; the lowest goes first.</para>
/// <list type="bullet">
/// <item><b>expected</b>: the requests the models of the population (the last P evaluated, <see cref="OnEvaluated"/>)
/// will make for the layer before they age out. A model of rank r by objective (1 = best, among n known) wins a
/// tournament of k = min(S, n) drawn without replacement with probability C(n - r, k - 1) / C(n, k); times its births
/// left (P minus the models evaluated since it) that is its expected donor choices. Each of its children asks for its
/// layer i (of L) when the mutation lands after it: (L - 1 - i) / L of them under uniform positions. A child also asks
/// for the layers of the donor's parent and of the donor's earlier children from the first layer where they differ
/// from the donor's: one mutation turns the donor back into its parent or into a sibling; each such layer counts
/// <see cref="NeighbourShare"/> of the donor's choices. A brand-new strong model thus keeps its layers before anyone
/// chose it, and a weak one's go first.</item>
/// <item><b>window</b>: the layer's own requests among the last W donor choices (hits and misses alike) plus the
/// window popularity of every model known to hold it (the candidate that offered it, and every donor whose child then
/// hit it): what is wanted now, whatever the objectives say (and all there is where no objective is heard, e.g. copies
/// fetched from another node).</item>
/// <item><b>history</b>: the layer's requests over the whole search: a short genotype prefix that many lineages share
/// comes back after its holders died, a one-off does not.</item>
/// </list>
/// <para>Ties go to the fewest search-long requests, then the least recently used (use ticks are unique, so the choice
/// is deterministic, and the same calls give the same evictions live and offline). Memory is bounded: the population's
/// models and the dead parents of living ones, a model's links dropped when it leaves the window, window counts when
/// their requests do, and the search-long counts halved (zeros forgotten) whenever <see cref="HistoryCapacity"/> layers
/// are counted.</para>
/// <para>In a cluster each node's cache hears only of the models its own evaluators trained: it ranks them among
/// themselves and counts their births alone, an approximation of the search's population (docs/weight-cache.md).</para>
/// <para>Chosen with the cache study (docs/analysis.md): on the benchmark's NAS-Bench-201 and Fashion-MNIST logs the
/// expected requests and the search-long counts in the score raised hits at every capacity over the window counts
/// alone; the weights 10 and 1/3 were the best of a small grid.</para>
/// </remarks>
public sealed class DonorPopularityPolicy : ICachePolicy
{
    public const int DefaultWindow = 100;
    public const int DefaultPopulation = 100;
    public const int DefaultSample = 25;

    /// <summary>Weight of the expected requests in the score (per expected request; a window count weighs 1).</summary>
    public const double ExpectedWeight = 10;

    /// <summary>The search-long request count weighs 1/HistoryDivisor in the score.</summary>
    public const double HistoryDivisor = 3;

    /// <summary>Share of a donor's choices that asks for the layers of one of its neighbours (its parent, a child) past the first difference.</summary>
    public const double NeighbourShare = 0.1;

    /// <summary>Layers whose request count is remembered; past it every count is halved and zeros are forgotten.</summary>
    public const int HistoryCapacity = 1 << 16;

    private readonly int _window;
    private readonly Queue<long> _recentDonors = new();
    private readonly Dictionary<long, int> _popularity = [];              // donor -> choices among the last W
    private readonly Dictionary<string, Entry> _entries = [];             // held layer -> its score and last use
    private readonly SortedSet<Entry> _order = new(EntryOrder.Instance);  // held layers the population expects nothing of, the victim first
    // held layers the population expects requests for: every evaluation rescores all of them, so they are few and
    // scanned for the victim instead of re-sorted (the victim is the same: the least of both under one total order)
    private readonly Dictionary<string, Entry> _expectedHeld = [];
    private readonly Dictionary<string, HashSet<long>> _owners = [];      // held layer -> models known to hold it
    private readonly Dictionary<long, HashSet<string>> _layersOf = [];    // model -> held layers it is linked to
    private readonly Queue<(long Choice, string Layer)> _recentRequests = new();
    private readonly Dictionary<string, int> _requestsInWindow = [];      // any layer -> its requests among the window's
    private readonly Dictionary<string, int> _history = [];               // any layer -> its requests over the search (halved when full)
    private readonly int _populationSize;
    private readonly int _sampleSize;
    private readonly Queue<long> _population = new();                   // the last P evaluated models heard of, oldest first
    private readonly Dictionary<long, Lineage> _lineage = [];            // the population and the dead parents of living models
    private readonly LayerNumbers _numbers = new();                       // the remembered models' layers, numbered
    private LayerSums _expected = new();                                  // layer number -> expected requests from the population
    private LayerSums _spare = new();                                     // the next estimate is built here
    private readonly List<(long Id, Lineage Model)> _ranked = [];
    private long? _currentDonor;
    private long _choices;
    private long _births;
    private long _tick;

    /// <param name="window">W: donor choices counted.</param>
    /// <param name="population">P of the search (models alive at once).</param>
    /// <param name="sample">S of the search (models drawn per tournament).</param>
    public DonorPopularityPolicy(int window = DefaultWindow, int population = DefaultPopulation, int sample = DefaultSample)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(population, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(sample, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sample, population);
        _window = window;
        _populationSize = population;
        _sampleSize = sample;
    }

    public string Name => "donor-popularity";

    public int Window => _window;

    public int PopulationSize => _populationSize;

    public int SampleSize => _sampleSize;

    public bool Admits(string layer, long owner) => true;

    public void OnDonorChosen(long donorId)
    {
        _currentDonor = donorId;
        _choices++;
        while (_recentRequests.Count > 0 && _recentRequests.Peek().Choice <= _choices - _window)
        {
            var (_, old) = _recentRequests.Dequeue();
            if (--_requestsInWindow[old] == 0) _requestsInWindow.Remove(old);
            if (_entries.TryGetValue(old, out var entry)) Put(entry, entry with { Window = entry.Window - 1 });
        }
        _recentDonors.Enqueue(donorId);
        _popularity[donorId] = _popularity.GetValueOrDefault(donorId) + 1;
        Rescore(donorId, +1);
        if (_recentDonors.Count <= _window) return;

        var leaving = _recentDonors.Dequeue();
        var left = --_popularity[leaving];
        Rescore(leaving, -1);
        if (left > 0) return;
        _popularity.Remove(leaving);
        // no longer a recent donor: its links weigh nothing now; if it is chosen again its children's hits relink it
        if (_layersOf.Remove(leaving, out var layers))
            foreach (var layer in layers) _owners[layer].Remove(leaving);
    }

    public void OnRequested(string layer, bool held)
    {
        _recentRequests.Enqueue((_choices, layer));
        _requestsInWindow[layer] = _requestsInWindow.GetValueOrDefault(layer) + 1;
        CountHistory(layer);
        if (!held || !_entries.TryGetValue(layer, out var entry)) return;
        var window = entry.Window + 1;
        if (_currentDonor is { } donor && Link(layer, donor)) window += _popularity.GetValueOrDefault(donor);
        Put(entry, entry with { Window = window, History = _history[layer], LastUse = ++_tick });
    }

    public void OnAdmitted(string layer, long owner, long bytes)
    {
        _owners[layer] = [];
        Link(layer, owner);
        Put(null, new Entry(layer, _popularity.GetValueOrDefault(owner) + _requestsInWindow.GetValueOrDefault(layer),
            ExpectedRequestsOf(layer), _history.GetValueOrDefault(layer), ++_tick));
    }

    public void OnRemoved(string layer)
    {
        if (!_entries.Remove(layer, out var entry)) return;
        Unorder(entry);
        if (!_owners.Remove(layer, out var owners)) return;
        foreach (var owner in owners)
            if (_layersOf.TryGetValue(owner, out var layers) && layers.Remove(layer) && layers.Count == 0) _layersOf.Remove(owner);
    }

    /// <summary>Models whose lineage is remembered: the population and the dead parents of its living models.</summary>
    internal int RememberedModels => _lineage.Count;

    /// <summary>Layers of the remembered models (numbered for the estimate): bounded with them.</summary>
    internal int NumberedLayers => _numbers.Count;

    /// <summary>Layers whose search-long request count is remembered (bounded by <see cref="HistoryCapacity"/>).</summary>
    internal int RememberedLayers => _history.Count;

    public string Victim()
    {
        if (_entries.Count == 0) throw new InvalidOperationException("the cache holds nothing");
        var victim = _order.Min;
        foreach (var entry in _expectedHeld.Values)
            if (victim is null || EntryOrder.Instance.Compare(entry, victim) < 0) victim = entry;
        return victim!.Layer;
    }

    /// <summary>The window count of a held layer (its requests in the window plus the window popularity of its known holders), for tests.</summary>
    public long ScoreOf(string layer) => _entries.TryGetValue(layer, out var entry) ? entry.Window : 0;

    /// <summary>The requests the population is expected to make for a layer before it ages out (held or not), for tests.</summary>
    public double ExpectedRequestsOf(string layer) => _numbers.TryGet(layer, out var number) ? _expected[number] : 0;

    /// <summary>The whole score of a held layer (the eviction order's first key), for tests.</summary>
    public double PriorityOf(string layer) => _entries.TryGetValue(layer, out var entry) ? entry.Score : 0;

    public void OnEvaluated(EvaluatedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (_lineage.ContainsKey(model.Id)) return;   // heard of already (offered twice)
        var born = new Lineage(model.Objective, model.ParentId, _numbers.Acquire(model.Layers), ++_births);
        _lineage[model.Id] = born;
        if (model.ParentId is { } parent && _lineage.TryGetValue(parent, out var p)) p.Children.Add(model.Id);
        _population.Enqueue(model.Id);
        while (_population.Count > _populationSize)
        {
            var old = _population.Dequeue();
            var retired = _lineage[old];
            retired.Alive = false;
            Prune(old);
            if (retired.ParentId is { } parentOfOld) Prune(parentOfOld);   // it may have been the parent's last living child
        }
        Reestimate();
        _numbers.Recycle();   // after the estimate: the one it replaced still named the layers of the models just forgotten
    }

    // a dead model is remembered while one of its children lives: one mutation turns that child back into it
    private void Prune(long id)
    {
        if (!_lineage.TryGetValue(id, out var model) || model.Alive) return;
        foreach (var child in model.Children)
            if (_lineage.TryGetValue(child, out var c) && c.Alive) return;
        _lineage.Remove(id);
        _numbers.Release(model.Layers);
        if (model.ParentId is { } parent && _lineage.TryGetValue(parent, out var p))
        {
            p.Children.Remove(id);
            Prune(parent);
        }
    }

    /// <summary>Every layer's expected requests from the population as it is now; held layers are rescored where it changed.</summary>
    private void Reestimate()
    {
        // two sums swapped on each call, and one list sorted in place: no allocation per evaluation once warm
        var next = _spare;

        _ranked.Clear();
        foreach (var id in _population) _ranked.Add((id, _lineage[id]));
        _ranked.Sort(BestFirst);
        var n = _ranked.Count;
        var k = Math.Min(_sampleSize, n);
        var win = (double)k / n;   // rank 1 wins whenever it is drawn
        for (var r = 1; r <= n - k + 1; r++)
        {
            if (r > 1) win *= (double)(n - r - k + 2) / (n - r + 1);   // C(n-r, k-1) / C(n-r+1, k-1)
            var donor = _ranked[r - 1].Model;
            var choices = win * Math.Max(1, _populationSize - (_births - donor.Born));
            var length = donor.Layers.Length;
            for (var i = 0; i < length - 1; i++) next.Add(donor.Layers[i], choices * (length - 1 - i) / length);
            var neighbour = choices * NeighbourShare;
            if (donor.ParentId is { } parent && _lineage.TryGetValue(parent, out var p)) AddFrom(p.Layers, FirstDifference(p.Layers, donor.Layers), neighbour);
            foreach (var child in donor.Children)
                if (_lineage.TryGetValue(child, out var c)) AddFrom(c.Layers, FirstDifference(c.Layers, donor.Layers), neighbour);
        }

        var previous = _expected;
        foreach (var layer in previous.Numbers)
            if (!next.Contains(layer) && _entries.TryGetValue(_numbers.NameOf(layer), out var entry)) Put(entry, entry with { Expected = 0 });
        foreach (var layer in next.Numbers)
        {
            var expected = next[layer];
            if (_entries.TryGetValue(_numbers.NameOf(layer), out var entry) && expected != entry.Expected) Put(entry, entry with { Expected = expected });
        }
        previous.Clear();
        _expected = next;
        _spare = previous;

        void AddFrom(int[] layers, int from, double requests)
        {
            for (var i = from; i < layers.Length; i++) next.Add(layers[i], requests);
        }
    }

    // best first; equal objectives: the younger first (a fixed order, so the sums are the same live and offline)
    private static int BestFirst((long Id, Lineage Model) x, (long Id, Lineage Model) y) =>
        x.Model.Objective != y.Model.Objective ? y.Model.Objective.CompareTo(x.Model.Objective) : y.Id.CompareTo(x.Id);

    private static int FirstDifference(int[] a, int[] b)
    {
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
            if (a[i] != b[i]) return i;
        return n;
    }

    private bool Link(string layer, long model)
    {
        if (!_owners[layer].Add(model)) return false;
        if (!_layersOf.TryGetValue(model, out var layers)) _layersOf[model] = layers = [];
        layers.Add(layer);
        return true;
    }

    private void Rescore(long model, int delta)
    {
        if (!_layersOf.TryGetValue(model, out var layers)) return;
        foreach (var layer in layers)
        {
            var entry = _entries[layer];
            Put(entry, entry with { Window = entry.Window + delta });
        }
    }

    private void Put(Entry? old, Entry entry)
    {
        if (old is not null) Unorder(old);
        _entries[entry.Layer] = entry;
        if (entry.Expected != 0) _expectedHeld[entry.Layer] = entry;
        else _order.Add(entry);
    }

    private void Unorder(Entry entry)
    {
        if (entry.Expected != 0) _expectedHeld.Remove(entry.Layer);
        else _order.Remove(entry);
    }

    private void CountHistory(string layer)
    {
        if (_history.TryGetValue(layer, out var count) || _history.Count < HistoryCapacity)
        {
            _history[layer] = count + 1;
            return;
        }
        // full: age every count (old popularity fades), forget the zeros, and re-sort the held layers by the new counts
        foreach (var key in _history.Keys.ToList())
            if ((_history[key] /= 2) == 0) _history.Remove(key);
        _history[layer] = _history.GetValueOrDefault(layer) + 1;
        foreach (var entry in _entries.Values.ToList()) Put(entry, entry with { History = _history.GetValueOrDefault(entry.Layer) });
    }

    private sealed record Entry(string Layer, long Window, double Expected, int History, long LastUse)
    {
        // computed on every read: `with` copies fields, so a stored sum would go stale
        public double Score => Window + (ExpectedWeight * Expected) + (History / HistoryDivisor);
    }

    /// <param name="layers">The model's layers by their numbers (<see cref="LayerNumbers"/>).</param>
    private sealed class Lineage(double objective, long? parentId, int[] layers, long born)
    {
        public double Objective { get; } = objective;
        public long? ParentId { get; } = parentId;
        public int[] Layers { get; } = layers;
        public long Born { get; } = born;
        public bool Alive { get; set; } = true;
        public List<long> Children { get; } = [];
    }

    private sealed class EntryOrder : IComparer<Entry>
    {
        public static readonly EntryOrder Instance = new();

        // use ticks are unique, so the order is total without looking at the layer
        public int Compare(Entry? x, Entry? y) =>
            x!.Score != y!.Score ? x.Score.CompareTo(y.Score)
            : x.History != y.History ? x.History.CompareTo(y.History)
            : x.LastUse.CompareTo(y.LastUse);
    }
}
