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
/// chose it, and a weak one's go first. The estimate is a <see cref="DonorForecast"/>, which policies hearing the same
/// evaluations may share.</item>
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
    private readonly DonorForecast _forecast;
    private long _heard;                                                  // the forecast's evaluations the held layers are scored by
    private long? _currentDonor;
    private long _choices;
    private long _tick;

    /// <param name="window">W: donor choices counted.</param>
    /// <param name="population">P of the search (models alive at once).</param>
    /// <param name="sample">S of the search (models drawn per tournament).</param>
    public DonorPopularityPolicy(int window = DefaultWindow, int population = DefaultPopulation, int sample = DefaultSample)
        : this(window, new DonorForecast(population, sample))
    {
    }

    /// <summary>A policy whose expected requests come from <paramref name="forecast"/>, which other policies may share: all
    /// of them must hear the same evaluations in the same order, each before the next is heard (one replay driving several
    /// caches in step, as the cache study does).</summary>
    public DonorPopularityPolicy(int window, DonorForecast forecast)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        ArgumentNullException.ThrowIfNull(forecast);
        _window = window;
        _forecast = forecast;
        _heard = forecast.Heard;
    }

    public string Name => "donor-popularity";

    public int Window => _window;

    public int PopulationSize => _forecast.PopulationSize;

    public int SampleSize => _forecast.SampleSize;

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
    internal int RememberedModels => _forecast.RememberedModels;

    /// <summary>Layers of the remembered models (numbered for the estimate): bounded with them.</summary>
    internal int NumberedLayers => _forecast.NumberedLayers;

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
    public double ExpectedRequestsOf(string layer) => _forecast.ExpectedRequestsOf(layer);

    /// <summary>The whole score of a held layer (the eviction order's first key), for tests.</summary>
    public double PriorityOf(string layer) => _entries.TryGetValue(layer, out var entry) ? entry.Score : 0;

    public void OnEvaluated(EvaluatedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (_forecast.Heard == _heard)
        {
            if (!_forecast.Hear(model)) return;   // heard of already (offered twice)
        }
        else if (_forecast.Heard != _heard + 1 || _forecast.LastHeardId != model.Id)
            throw new InvalidOperationException(
                $"policies sharing a forecast must hear the same evaluations in the same order: this one follows evaluation {_heard}, " +
                $"the forecast is at {_forecast.Heard} (model {_forecast.LastHeardId}), and model {model.Id} was offered");
        _heard = _forecast.Heard;
        FollowForecast();
    }

    /// <summary>Rescores the held layers whose expected requests the forecast's new estimate changed.</summary>
    private void FollowForecast()
    {
        var previous = _forecast.Replaced;
        var next = _forecast.Expected;
        foreach (var layer in previous.Numbers)
            if (!next.Contains(layer) && _entries.TryGetValue(_forecast.NameOf(layer), out var entry)) Put(entry, entry with { Expected = 0 });
        foreach (var layer in next.Numbers)
        {
            var expected = next[layer];
            if (_entries.TryGetValue(_forecast.NameOf(layer), out var entry) && expected != entry.Expected) Put(entry, entry with { Expected = expected });
        }
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
