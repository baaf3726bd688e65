using ActorNas.Actors.Configuration;
using ActorNas.Actors.Persistence;
using ActorNas.Core.Evolution;
using Akka.Actor;
using Akka.Persistence;
using PersistenceSettings = ActorNas.Actors.Configuration.PersistenceSettings;
using NLog;

namespace ActorNas.Actors.Query;

/// <summary>A search's snapshot and the event it was taken after.</summary>
public sealed record StoredSnapshot(SearchSnapshot Snapshot, long SequenceNr);

/// <summary>
/// Loads a search's newest snapshot through ActorNas's snapshot-store plugin, the way recovery does (so an unreadable
/// one is passed over with the same warning, see <see cref="ActorNasSnapshotStore"/>). A reader only ever loses speed
/// here: without a snapshot it reads the whole journal, which holds every event.
/// </summary>
internal static class LatestSnapshot
{
    private static readonly Logger Log = LogManager.GetCurrentClassLogger();
    private static readonly TimeSpan LoadTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The newest snapshot of <paramref name="searchId"/>, or null when there is none that can be used.</summary>
    /// <param name="store">Where the log lives (null for an in-memory journal).</param>
    public static async Task<StoredSnapshot?> LoadAsync(ActorSystem system, PersistenceSettings? store, string searchId, CancellationToken cancellationToken)
    {
        // a reader opens SQLite read-only, which cannot create the snapshots file: a log without one has no snapshot
        if (store is { Provider: PersistenceProvider.Sqlite } && !File.Exists(PersistenceConfig.SnapshotPath(store.SqlitePath))) return null;
        var snapshots = Akka.Persistence.Persistence.Instance.Apply(system).SnapshotStoreFor(PersistenceConfig.SnapshotPlugin);
        var answer = await snapshots.Ask<ISnapshotResponse>(
            new LoadSnapshot(PersistenceConfig.PersistenceId(searchId), SnapshotSelectionCriteria.Latest, long.MaxValue),
            LoadTimeout, cancellationToken).ConfigureAwait(false);
        switch (answer)
        {
            case LoadSnapshotResult { Snapshot: { Snapshot: SearchSnapshot snapshot } selected }:
                return new StoredSnapshot(snapshot, selected.Metadata.SequenceNr);
            case LoadSnapshotFailed failed:
                // the journal read that follows fails too when the database itself is the problem, and says so
                Log.Info(failed.Cause, "the snapshot of search {0} could not be loaded; reading its whole log", searchId);
                return null;
            default:
                return null;
        }
    }
}
