using ActorNas.Actors.Serialization;
using Akka.Persistence;
using Akka.Persistence.Sql.Snapshot;
using NLog;

namespace ActorNas.Actors.Persistence;

/// <summary>
/// Akka.Persistence.Sql's snapshot store, except that a snapshot that cannot be read is passed over: the journal alone
/// rebuilds the same state (snapshots only shorten recovery). Akka fails, and stops, a persistent actor whose
/// snapshot fails to load, and the Population's back-off supervisor would start it again into the same failure; so
/// the choice is made here, where the snapshot is read, with a warning, and recovery replays the whole journal.
/// Only an unreadable snapshot is passed over: a database that cannot be reached still fails the load.
/// </summary>
public sealed class ActorNasSnapshotStore(Akka.Configuration.Config config) : SqlSnapshotStore(config)
{
    // NLog directly (not Akka's log): the warning is for the person running the search, on stderr as well as in the file
    private static readonly Logger Log = LogManager.GetCurrentClassLogger();

    protected override async Task<SelectedSnapshot?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken)
    {
        try
        {
            return await base.LoadAsync(persistenceId, criteria, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (UnreadableEntryException.In(e) is { } unreadable)
        {
            var search = PersistenceConfig.SearchIdOf(persistenceId) is { } id ? $"search {id}" : persistenceId;
            Log.Warn("the latest snapshot of {0} cannot be read ({1}); recovering from the journal alone, which holds every event " +
                "(slower, nothing is lost); the next snapshot replaces it", search, unreadable.InnerException?.Message ?? unreadable.Message);
            return null;
        }
    }
}
