namespace ActorNas.Core.Caching;

/// <summary>
/// Keeps the layers the search will ask for next, judged by the last W donor choices. Regularized Evolution draws each
/// parent by tournament from the P youngest models, so the same few strong models are donors again and again while they
/// are young, and a model that has aged out is never a donor again; a child asks for every layer of its model, and those
/// it shares with its parent (the prefix before the mutation) are the parent's.
/// </summary>
/// <remarks>
/// <para>A held layer's score is the sum of two counts over the sliding window of the last W donor choices:</para>
/// <list type="bullet">
/// <item>the layer's own requests in the window, hits and misses alike (children of recent donors asked for it: the
/// rate at which it is wanted now, which also says how deep in the donors' models it lies, since a child shares a
/// parent's early layers more often than its late ones; a miss counts, so a wanted layer is kept when it is offered
/// again);</item>
/// <item>the window popularity (choices as a donor) of every model known to hold it: the candidate that offered it
/// (<see cref="OnAdmitted"/>'s owner) and every donor whose child then hit it. The second link matters because a layer
/// is stored once, under the first model that offered it, while younger models sharing it by identity are the ones
/// chosen later: their children's hits name them, and each further choice of such a donor raises the layer at once.</item>
/// </list>
/// <para>A model that aged out stops being chosen, so its layers fall to zero within W choices unless younger models
/// still use them. The victim is the held layer with the lowest score. Among equal scores (typically zero: layers of
/// models not yet or no longer chosen) the one requested least over the whole search goes first: a short genotype
/// prefix that many lineages share comes back after its holders died, a one-off does not. Then the least recently
/// used, so a freshly evaluated model's layers outlive long-dead ones; use ticks are unique, so the choice is
/// deterministic. Memory is bounded: a model's links are dropped when it leaves the window, window counts when their
/// requests do, and the search-long counts are halved (zeros forgotten) whenever <see cref="HistoryCapacity"/> layers
/// are counted.</para>
/// <para>Chosen with the cache study (docs/analysis.md): on NAS-Bench-201 searches, counting requests beat counting
/// donor popularity alone at small capacities (1 %, 5 % of the stored layers), the links added a little at 10 %, and
/// breaking ties by the search-long counts most at 10 % and 25 %.</para>
/// </remarks>
public sealed class DonorPopularityPolicy : ICachePolicy
{
    public const int DefaultWindow = 100;

    /// <summary>Layers whose request count is remembered; past it every count is halved and zeros are forgotten.</summary>
    public const int HistoryCapacity = 1 << 16;

    private readonly int _window;
    private readonly Queue<long> _recentDonors = new();
    private readonly Dictionary<long, int> _popularity = [];              // donor -> choices among the last W
    private readonly Dictionary<string, Entry> _entries = [];             // held layer -> its score and last use
    private readonly SortedSet<Entry> _order = new(EntryOrder.Instance);  // the victim first
    private readonly Dictionary<string, HashSet<long>> _owners = [];      // held layer -> models known to hold it
    private readonly Dictionary<long, HashSet<string>> _layersOf = [];    // model -> held layers it is linked to
    private readonly Queue<(long Choice, string Layer)> _recentRequests = new();
    private readonly Dictionary<string, int> _requestsInWindow = [];      // any layer -> its requests among the window's
    private readonly Dictionary<string, int> _history = [];               // any layer -> its requests over the search (halved when full)
    private long? _currentDonor;
    private long _choices;
    private long _tick;

    public DonorPopularityPolicy(int window = DefaultWindow)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        _window = window;
    }

    public string Name => "donor-popularity";

    public int Window => _window;

    public bool Admits(string layer, long owner) => true;

    public void OnDonorChosen(long donorId)
    {
        _currentDonor = donorId;
        _choices++;
        while (_recentRequests.Count > 0 && _recentRequests.Peek().Choice <= _choices - _window)
        {
            var (_, old) = _recentRequests.Dequeue();
            if (--_requestsInWindow[old] == 0) _requestsInWindow.Remove(old);
            if (_entries.TryGetValue(old, out var entry)) Put(entry, entry with { Score = entry.Score - 1 });
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
        var score = entry.Score + 1;
        if (_currentDonor is { } donor && Link(layer, donor)) score += _popularity.GetValueOrDefault(donor);
        Put(entry, entry with { Score = score, History = _history[layer], LastUse = ++_tick });
    }

    public void OnAdmitted(string layer, long owner, long bytes)
    {
        _owners[layer] = [];
        Link(layer, owner);
        Put(null, new Entry(layer, _popularity.GetValueOrDefault(owner) + _requestsInWindow.GetValueOrDefault(layer), _history.GetValueOrDefault(layer), ++_tick));
    }

    public void OnRemoved(string layer)
    {
        if (!_entries.Remove(layer, out var entry)) return;
        _order.Remove(entry);
        if (!_owners.Remove(layer, out var owners)) return;
        foreach (var owner in owners)
            if (_layersOf.TryGetValue(owner, out var layers) && layers.Remove(layer) && layers.Count == 0) _layersOf.Remove(owner);
    }

    /// <summary>Layers whose search-long request count is remembered (bounded by <see cref="HistoryCapacity"/>).</summary>
    internal int RememberedLayers => _history.Count;

    public string Victim() => _order.Count > 0 ? _order.Min!.Layer : throw new InvalidOperationException("the cache holds nothing");

    /// <summary>The score of a held layer (its requests in the window plus the window popularity of its known holders), for tests.</summary>
    public long ScoreOf(string layer) => _entries.TryGetValue(layer, out var entry) ? entry.Score : 0;

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
            Put(entry, entry with { Score = entry.Score + delta });
        }
    }

    private void Put(Entry? old, Entry entry)
    {
        if (old is not null) _order.Remove(old);
        _entries[entry.Layer] = entry;
        _order.Add(entry);
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

    private sealed record Entry(string Layer, long Score, int History, long LastUse);

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
