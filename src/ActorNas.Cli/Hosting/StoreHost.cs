using ActorNas.Actors;
using ActorNas.Actors.Configuration;
using ActorNas.Actors.Persistence;
using ActorNas.Actors.Query;
using Akka.Actor;
using Akka.Configuration;

namespace ActorNas.Cli.Hosting;

/// <summary>An ActorSystem connected to one event store, for the commands that run or read searches.</summary>
internal sealed class StoreHost : IAsyncDisposable
{
    public ActorSystem System { get; }
    public SearchLog Log { get; }
    public PersistenceSettings Persistence { get; }

    private StoreHost(ActorSystem system, PersistenceSettings persistence)
    {
        System = system;
        Persistence = persistence;
        Log = new SearchLog(system);
    }

    /// <param name="actorNas">The layered actornas.* configuration (flags, files, defaults).</param>
    /// <param name="dbPath">--db, the SQLite file; null where the command has no --db (`seed`: the log is in PostgreSQL).</param>
    /// <param name="extraAkka">More Akka configuration on top (a cluster node's remoting and cluster settings).</param>
    public static StoreHost Open(Config actorNas, string? dbPath, bool mustExist, Config? extraAkka = null)
    {
        var persistence = ReadPersistence(actorNas, dbPath);
        if (persistence.Provider == PersistenceProvider.Sqlite) PersistenceConfig.PrepareSqlite(persistence.SqlitePath, mustExist);
        if (persistence.Provider == PersistenceProvider.PostgreSql) PostgresProbe.Check(persistence.PostgresConnectionString, TimeSpan.FromSeconds(5));
        var config = ActorSystemConfig.Build(actorNas, persistence, extraAkka);
        return new StoreHost(ActorSystem.Create(ActorSystemConfig.SystemName, config), persistence);
    }

    public static PersistenceSettings ReadPersistence(Config actorNas, string? dbPath)
    {
        if (dbPath is null) return ActorNasSettings.From(actorNas).Persistence;
        var withDb = ConfigurationFactory.ParseString($"actornas.persistence.sqlite.path = {Quote(dbPath)}").WithFallback(actorNas);
        return ActorNasSettings.From(withDb).Persistence;
    }

    public static string Quote(string s) =>
        "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>The id of the only search in the database, for commands where --search-id may be left out.</summary>
    public async Task<string> OnlySearchAsync(string db, CancellationToken cancel)
    {
        var ids = await Log.ListSearchIdsAsync(cancel).ConfigureAwait(false);
        return ids.Count switch
        {
            1 => ids[0],
            0 => throw new UnknownSearchException($"{db} holds no search; start one with `actornas run --db {db}`"),
            _ => throw new SettingsException($"{db} holds {ids.Count} searches ({string.Join(", ", ids)}); name one with --search-id"),
        };
    }

    public async ValueTask DisposeAsync()
    {
        await CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClrExitReason.Instance).ConfigureAwait(false);
    }
}
