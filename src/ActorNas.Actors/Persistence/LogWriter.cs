using ActorNas.Core.Events;
using Akka.Actor;
using Akka.Persistence;

namespace ActorNas.Actors.Persistence;

/// <summary>
/// Appends events that were decided elsewhere (a simulated search) to a search's log, in order, through the same
/// journal and serializer the Population uses, so status, export and resume read them like any other search.
/// </summary>
public sealed class LogWriter : ReceivePersistentActor
{
    /// <summary>Persist these events; the writer answers <see cref="EventsWritten"/> once they are durable.</summary>
    public sealed record WriteEvents(IReadOnlyList<ISearchEvent> Events);

    public sealed record EventsWritten(int Count);

    public LogWriter(string searchId)
    {
        PersistenceId = PersistenceConfig.PersistenceId(searchId);
        JournalPluginId = PersistenceConfig.JournalPlugin;
        SnapshotPluginId = PersistenceConfig.SnapshotPlugin;
        Recover<ISearchEvent>(_ => { });
        Command<WriteEvents>(w =>
        {
            var sender = Sender;
            PersistAll(w.Events, _ => { });
            DeferAsync(w.Events.Count, count => sender.Tell(new EventsWritten(count)));
        });
    }

    public override string PersistenceId { get; }
}
