using ActorNas.Actors.Persistence;
using ActorNas.Core.Events;
using Akka.Actor;
using Akka.Persistence;

namespace ActorNas.Benchmarks;

/// <summary>
/// Reads a search's log back by replaying it, as a recovering Population would. Unlike SearchLog (the SQL read
/// journal) this works with every journal, Akka's in-memory one included.
/// </summary>
internal static class JournalReader
{
    /// <summary>Every event of the search, in log order. Call once the search's Population has stopped.</summary>
    public static Task<IReadOnlyList<ISearchEvent>> ReadAsync(ActorSystem system, string searchId)
    {
        var done = new TaskCompletionSource<IReadOnlyList<ISearchEvent>>(TaskCreationOptions.RunContinuationsAsynchronously);
        system.ActorOf(Props.Create(() => new Replay(PersistenceConfig.PersistenceId(searchId), done)), $"read-{searchId}");
        return done.Task.WaitAsync(TimeSpan.FromMinutes(2));
    }

    private sealed class Replay : ReceivePersistentActor
    {
        private readonly TaskCompletionSource<IReadOnlyList<ISearchEvent>> _done;

        public override string PersistenceId { get; }

        // every event from the start: a snapshot would hide the events before it
        public override Recovery Recovery => new(SnapshotSelectionCriteria.None);

        public Replay(string persistenceId, TaskCompletionSource<IReadOnlyList<ISearchEvent>> done)
        {
            PersistenceId = persistenceId;
            _done = done;
            var events = new List<ISearchEvent>();
            Recover<ISearchEvent>(events.Add);
            Recover<RecoveryCompleted>(_ =>
            {
                done.TrySetResult(events);
                Context.Stop(Self);
            });
        }

        protected override void OnRecoveryFailure(Exception reason, object? message = null)
        {
            _done.TrySetException(reason);
            base.OnRecoveryFailure(reason, message);
        }
    }
}
