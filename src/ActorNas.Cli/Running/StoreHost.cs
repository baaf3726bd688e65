using ActorNas.Actors.Runtime;
using ActorNas.Actors.Configuration;
using ActorNas.Actors.Persistence;
using ActorNas.Actors.Query;
using Akka.Actor;
using Akka.Configuration;

namespace ActorNas.Cli.Running;

/// <summary>An ActorSystem connected to one event store, for the commands that run or read searches.</summary>
internal sealed class StoreHost : IAsyncDisposable
{
    private readonly ActorSystem? _system;

    /// <summary>The ActorSystem of a store opened for writing, or for reading a database that holds a journal.</summary>
    public ActorSystem System => _system ?? throw new InvalidOperationException("this database holds no journal; nothing runs on it");
    public SearchLog Log { get; }
    public PersistenceSettings Persistence { get; }

    /// <summary>Where the log is, for messages: the SQLite path, or PostgreSQL's database and host.</summary>
    public string Where => JournalRows.Describe(Persistence);

    private StoreHost(ActorSystem? system, PersistenceSettings persistence, SearchLog log)
    {
        _system = system;
        Persistence = persistence;
        Log = log;
    }

    /// <summary>For commands that write: the SQLite file is created if missing (unless <paramref name="mustExist"/>) and put in WAL mode.</summary>
    /// <param name="actorNas">The layered actornas.* configuration (flags, files, defaults).</param>
    /// <param name="dbPath">--db, the SQLite file; null where the command has no --db (`seed`: the log is in PostgreSQL).</param>
    /// <param name="extraAkka">More Akka configuration on top (a cluster node's remoting and cluster settings).</param>
    public static StoreHost Open(Config actorNas, string? dbPath, bool mustExist, Config? extraAkka = null)
    {
        var persistence = ReadPersistence(actorNas, dbPath);
        if (persistence.Provider == PersistenceProvider.Sqlite) PersistenceConfig.PrepareSqlite(persistence.SqlitePath, mustExist);
        if (persistence.Provider == PersistenceProvider.PostgreSql) PostgresProbe.Check(persistence.PostgresConnectionString, TimeSpan.FromSeconds(5));
        var system = ActorNasSystem.Create(actorNas, persistence, extraAkka);
        return new StoreHost(system, persistence, ActorNasRuntime.Get(system).Log);
    }

    /// <summary>
    /// For commands that only read (status, list, export, analyze, repair's source): the database must exist; it is
    /// opened read-only and nothing in it changes, no table, no journal mode. A database without ActorNas's journal
    /// (another program's, or an empty file) holds no search.
    /// </summary>
    public static StoreHost OpenForReading(Config actorNas, string dbPath)
    {
        var persistence = ReadPersistence(actorNas, dbPath) with { ReadOnly = true };
        if (!HoldsJournal(persistence)) return new StoreHost(null, persistence, SearchLog.Empty);
        var system = ActorNasSystem.Create(actorNas, persistence);
        return new StoreHost(system, persistence, ActorNasRuntime.Get(system).Log);
    }

    /// <summary>
    /// Whether the database holds ActorNas's journal yet (a search has been started in it). A SQLite file that does not
    /// exist is refused with the error that names --db, unless <paramref name="fileMayComeLater"/> (it holds nothing yet).
    /// </summary>
    private static bool HoldsJournal(PersistenceSettings persistence, bool fileMayComeLater = false) => persistence.Provider switch
    {
        PersistenceProvider.Sqlite when fileMayComeLater => SqliteFiles.HoldsJournalOnceCreated(persistence.SqlitePath),
        PersistenceProvider.Sqlite => SqliteFiles.HoldsJournal(persistence.SqlitePath),
        _ => JournalRows.PostgresHoldsJournal(persistence.PostgresConnectionString),
    };

    /// <summary>
    /// For readers that may start before the search that creates their database (serve, analyze --follow): waits until
    /// the database holds ActorNas's journal, saying once on stderr what it waits for. A SQLite file that does not exist
    /// yet is waited for too (the run creates it); a missing directory or another program's file is refused at once.
    /// </summary>
    public static async Task WaitForJournalAsync(PersistenceSettings persistence, TimeSpan poll, CancellationToken cancel)
    {
        for (var waited = false; !HoldsJournal(persistence, fileMayComeLater: true); waited = true)
        {
            if (!waited)
                await Console.Error.WriteLineAsync($"{JournalRows.Describe(persistence)} holds no search log yet; waiting for a search to start in it (Ctrl+C stops)")
                    .ConfigureAwait(false);
            await Task.Delay(poll, cancel).ConfigureAwait(false);
        }
    }

    public static PersistenceSettings ReadPersistence(Config actorNas, string? dbPath) => SettingsSources.Persistence(actorNas, dbPath);

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
        if (_system is null) return;
        await CoordinatedShutdown.Get(_system).Run(CoordinatedShutdown.ClrExitReason.Instance).ConfigureAwait(false);
    }
}
