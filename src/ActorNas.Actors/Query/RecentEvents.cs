using System.Collections.Concurrent;
using ActorNas.Core.Events;

namespace ActorNas.Actors.Query;

/// <summary>
/// The events that this process's Populations wrote to the journal lately, per search, with their sequence numbers. A
/// live page or `analyze --follow` of a search whose Population runs in the same process (`run --web`) takes them from
/// here instead of reading each row back and deserializing it: the search it watches pays about half as much for the
/// reading (docs/benchmarks.md, "Watching a search"). Anything not here (older than the last <see cref="Capacity"/>
/// events, written by another process, or before this process started) is read from the journal as before.
/// </summary>
/// <remarks>
/// An event enters only once the journal has confirmed its write, so nothing here is ahead of the log. Each search has
/// a ring indexed by sequence number: the Population writes from its actor thread, readers on other threads find an
/// event by its number and check that the slot still holds that number (a newer event may have taken it).
/// </remarks>
internal sealed class RecentEvents
{
    /// <summary>Events kept per search: a few seconds of a search at full speed, about a megabyte.</summary>
    public const int Capacity = 8192;

    private readonly ConcurrentDictionary<string, Ring> _searches = new(StringComparer.Ordinal);

    /// <summary>Records event <paramref name="sequenceNr"/> of <paramref name="searchId"/>, just confirmed by the journal.</summary>
    public void Add(string searchId, long sequenceNr, ISearchEvent e) =>
        _searches.GetOrAdd(searchId, static _ => new Ring()).Add(new LoggedEvent(sequenceNr, e));

    /// <summary>
    /// Appends to <paramref name="into"/> the events from <paramref name="fromSequenceNr"/> on that are held here, in
    /// order and without a gap, at most <paramref name="max"/>; returns how many.
    /// </summary>
    public int CopyFrom(string searchId, long fromSequenceNr, List<LoggedEvent> into, int max)
    {
        if (!_searches.TryGetValue(searchId, out var ring)) return 0;
        var copied = 0;
        while (copied < max && ring.TryGet(fromSequenceNr + copied, out var e))
        {
            into.Add(e);
            copied++;
        }
        return copied;
    }

    /// <summary>Forgets a search's events (its Population stopped): readers go back to the journal.</summary>
    public void Forget(string searchId) => _searches.TryRemove(searchId, out _);

    private sealed class Ring
    {
        private const int Mask = Capacity - 1;
        private readonly LoggedEvent?[] _slots = new LoggedEvent?[Capacity];

        public void Add(LoggedEvent e) => Volatile.Write(ref _slots[e.SequenceNr & Mask], e);

        public bool TryGet(long sequenceNr, out LoggedEvent e)
        {
            e = Volatile.Read(ref _slots[sequenceNr & Mask])!;
            return e is not null && e.SequenceNr == sequenceNr;
        }
    }
}
