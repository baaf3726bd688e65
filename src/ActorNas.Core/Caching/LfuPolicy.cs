namespace ActorNas.Core.Caching;

/// <summary>
/// Least frequently used: the held layer with the fewest uses since it entered goes first (its admission counts as one
/// use, each hit adds one); among equals, the one whose last use is oldest. Counts are forgotten on eviction, so what
/// the policy remembers is bounded by what the cache holds.
/// </summary>
public sealed class LfuPolicy : ICachePolicy
{
    private readonly SortedSet<Entry> _order = new(EntryOrder.Instance);   // the victim first
    private readonly Dictionary<string, Entry> _entries = [];
    private long _tick;

    public string Name => "lfu";

    public bool Admits(string layer, long owner) => true;

    public void OnDonorChosen(long donorId) { }

    public void OnRequested(string layer, bool held)
    {
        if (!held || !_entries.TryGetValue(layer, out var entry)) return;
        _order.Remove(entry);
        Put(entry with { Uses = entry.Uses + 1, LastUse = ++_tick });
    }

    public void OnAdmitted(string layer, long owner, long bytes) => Put(new Entry(layer, 1, ++_tick));

    public void OnRemoved(string layer)
    {
        if (_entries.Remove(layer, out var entry)) _order.Remove(entry);
    }

    public string Victim() => _order.Count > 0 ? _order.Min!.Layer : throw new InvalidOperationException("the cache holds nothing");

    private void Put(Entry entry)
    {
        _entries[entry.Layer] = entry;
        _order.Add(entry);
    }

    private sealed record Entry(string Layer, long Uses, long LastUse);

    private sealed class EntryOrder : IComparer<Entry>
    {
        public static readonly EntryOrder Instance = new();

        // ticks are unique, so the order is total without looking at the layer
        public int Compare(Entry? x, Entry? y) =>
            x!.Uses != y!.Uses ? x.Uses.CompareTo(y.Uses) : x.LastUse.CompareTo(y.LastUse);
    }
}
