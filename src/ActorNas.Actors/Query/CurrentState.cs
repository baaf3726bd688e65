using ActorNas.Core.Evolution;

namespace ActorNas.Actors.Query;

/// <summary>
/// Where a search stands now, read back from its log: its newest snapshot plus the events after it
/// (<see cref="SearchLog.ReadCurrentAsync"/>).
/// </summary>
/// <param name="SnapshotSequenceNr">The event the snapshot was taken after; 0 when the whole log was read (no usable snapshot).</param>
/// <param name="EventsRead">Events folded after the snapshot (all of them without one).</param>
public sealed record CurrentState(SearchState State, long SnapshotSequenceNr, long EventsRead)
{
    public long LastSequenceNr => SnapshotSequenceNr + EventsRead;
}
