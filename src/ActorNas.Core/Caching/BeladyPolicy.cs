namespace ActorNas.Core.Caching;

/// <summary>
/// Belady's rule, offline: evict the held layer whose next request is farthest in the future (never requested again
/// counts as farthest), and bypass an offered layer that would itself be the farthest. It is built from the whole
/// request sequence and advances its cursor with each <see cref="OnRequested"/>, which must follow that sequence.
/// </summary>
/// <remarks>
/// With unit-size layers and a layer offered right after each of its misses (demand caching), this is the optimum no
/// policy can pass. In a search replay a layer is offered only when an evaluation that holds it finishes, so it can come
/// back later than a miss; the rule is then the standard bound rather than a proven optimum (docs/analysis.md). The
/// bypass counts layers, not bytes: the cache study's capacity unit.
/// </remarks>
public sealed class BeladyPolicy : ICachePolicy
{
    internal const int Never = int.MaxValue;

    private readonly BeladyFuture _future;                        // shared, read-only
    private readonly int[] _pending;                              // per layer number: its next request from the cursor on
    private readonly SortedSet<(int Next, string Layer)> _held = new(FarthestFirst.Instance);
    private readonly Dictionary<string, (int Next, long Bytes)> _heldNext = [];
    private readonly long _capacity;
    private long _heldBytes;
    private int _cursor;

    /// <param name="requests">Every layer request the cache will see, in order.</param>
    /// <param name="capacity">The cache's capacity (in layers), for the bypass decision.</param>
    public BeladyPolicy(IReadOnlyList<string> requests, long capacity) : this(new BeladyFuture(requests), capacity) { }

    /// <param name="future">The request sequence with its next uses, shared by the caches of one study.</param>
    /// <param name="capacity">The cache's capacity (in layers), for the bypass decision.</param>
    public BeladyPolicy(BeladyFuture future, long capacity)
    {
        ArgumentNullException.ThrowIfNull(future);
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _future = future;
        _pending = (int[])future.FirstUse.Clone();
        _capacity = capacity;
    }

    public string Name => "belady";

    /// <summary>Requests seen so far.</summary>
    public int Cursor => _cursor;

    public bool Admits(string layer, long owner)
    {
        var next = NextOf(layer);
        if (next == Never) return false;
        // full: keep the offered layer only when some held layer is needed later than it
        return _heldBytes < _capacity || _held.Count == 0 || _held.Min.Next > next;
    }

    public void OnDonorChosen(long donorId) { }

    public void OnRequested(string layer, bool held)
    {
        var requests = _future.Requests;
        if (_cursor >= requests.Count || !string.Equals(requests[_cursor], layer, StringComparison.Ordinal))
            throw new InvalidOperationException(
                $"request {_cursor} is {layer}, but the sequence Belady was built from has {(_cursor < requests.Count ? requests[_cursor] : "no more requests")}");
        var next = _future.NextUse[_cursor];
        _pending[_future.RequestLayer[_cursor++]] = next;
        if (_heldNext.TryGetValue(layer, out var old))
        {
            _held.Remove((old.Next, layer));
            Hold(layer, next, old.Bytes);
        }
    }

    public void OnAdmitted(string layer, long owner, long bytes)
    {
        _heldBytes += bytes;
        Hold(layer, NextOf(layer), bytes);
    }

    public void OnRemoved(string layer)
    {
        if (!_heldNext.Remove(layer, out var held)) return;
        _held.Remove((held.Next, layer));
        _heldBytes -= held.Bytes;
    }

    public string Victim() => _held.Count > 0 ? _held.Min.Layer : throw new InvalidOperationException("the cache holds nothing");

    private int NextOf(string layer) => _future.LayerNumbers.TryGetValue(layer, out var number) ? _pending[number] : Never;

    private void Hold(string layer, int next, long bytes)
    {
        _heldNext[layer] = (next, bytes);
        _held.Add((next, layer));
    }

    /// <summary>Farthest next request first; layers never requested again (all at <see cref="Never"/>) by name.</summary>
    private sealed class FarthestFirst : IComparer<(int Next, string Layer)>
    {
        public static readonly FarthestFirst Instance = new();

        public int Compare((int Next, string Layer) x, (int Next, string Layer) y) =>
            x.Next != y.Next ? y.Next.CompareTo(x.Next) : string.CompareOrdinal(x.Layer, y.Layer);
    }
}

/// <summary>
/// A request sequence with, for each request, the index of the next request of the same layer: computed once, read by
/// every <see cref="BeladyPolicy"/> of a study (each keeps only one int per distinct layer of its own).
/// </summary>
public sealed class BeladyFuture
{
    public BeladyFuture(IReadOnlyList<string> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        Requests = requests;
        NextUse = new int[requests.Count];
        RequestLayer = new int[requests.Count];
        for (var i = 0; i < requests.Count; i++)
        {
            if (!LayerNumbers.TryGetValue(requests[i], out var number)) LayerNumbers[requests[i]] = number = LayerNumbers.Count;
            RequestLayer[i] = number;
        }
        FirstUse = new int[LayerNumbers.Count];
        Array.Fill(FirstUse, BeladyPolicy.Never);
        for (var i = requests.Count - 1; i >= 0; i--)
        {
            NextUse[i] = FirstUse[RequestLayer[i]];
            FirstUse[RequestLayer[i]] = i;
        }
    }

    public IReadOnlyList<string> Requests { get; }
    /// <summary>Each distinct layer's number.</summary>
    internal Dictionary<string, int> LayerNumbers { get; } = new(StringComparer.Ordinal);
    /// <summary>For request i: its layer's number.</summary>
    internal int[] RequestLayer { get; }
    /// <summary>For request i: the index of the next request of the same layer, or <see cref="BeladyPolicy.Never"/>.</summary>
    internal int[] NextUse { get; }
    /// <summary>Per layer number: its first request.</summary>
    internal int[] FirstUse { get; }
}
