using System.Collections.Concurrent;
using System.Collections.Immutable;
using Akka.Persistence;
using Akka.Persistence.Journal;

namespace ActorNas.Actors.Tests;

/// <summary>
/// An in-memory journal whose writes and replays fail, per persistence id, while a test says so: a full disk, a
/// read-only file, a database server that went away, each as the real exception the real plugin would pass on.
/// </summary>
public sealed class FlakyJournal : MemoryJournal
{
    private static readonly ConcurrentDictionary<string, Exception> WriteFaults = new();
    private static readonly ConcurrentDictionary<string, Exception> ReplayFaults = new();

    public const string Hocon = """
        akka.persistence.journal.actornas.class = "ActorNas.Actors.Tests.FlakyJournal, ActorNas.Actors.Tests"
        akka.persistence.snapshot-store.actornas.class = "Akka.Persistence.Snapshot.MemorySnapshotStore, Akka.Persistence"
        """;

    /// <summary>Writes of <paramref name="persistenceId"/> fail with <paramref name="fault"/> until <see cref="Heal"/>.</summary>
    public static void FailWrites(string persistenceId, Exception fault) => WriteFaults[persistenceId] = fault;

    /// <summary>Replays (recovery) of <paramref name="persistenceId"/> fail too, as with a database that is down.</summary>
    public static void FailReplays(string persistenceId, Exception fault) => ReplayFaults[persistenceId] = fault;

    public static void Heal(string persistenceId)
    {
        WriteFaults.TryRemove(persistenceId, out _);
        ReplayFaults.TryRemove(persistenceId, out _);
    }

    protected override Task<IImmutableList<Exception?>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var writes = messages.ToList();
        var failing = writes.Select(w => WriteFaults.GetValueOrDefault(w.PersistenceId)).FirstOrDefault(f => f is not null);
        return failing is not null ? Task.FromException<IImmutableList<Exception?>>(failing) : base.WriteMessagesAsync(writes, cancellationToken);
    }

    public override Task ReplayMessagesAsync(Akka.Actor.IActorContext context, string persistenceId, long fromSequenceNr, long toSequenceNr,
        long max, Action<IPersistentRepresentation> recoveryCallback) =>
        ReplayFaults.TryGetValue(persistenceId, out var fault)
            ? Task.FromException(fault)
            : base.ReplayMessagesAsync(context, persistenceId, fromSequenceNr, toSequenceNr, max, recoveryCallback);

    public override Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken) =>
        ReplayFaults.TryGetValue(persistenceId, out var fault)
            ? Task.FromException<long>(fault)
            : base.ReadHighestSequenceNrAsync(persistenceId, fromSequenceNr, cancellationToken);
}
