using ActorNas.Actors.Configuration;
using Akka.Configuration;
using Akka.Persistence.Sql;
using Microsoft.Data.Sqlite;

namespace ActorNas.Actors.Persistence;

/// <summary>Turns <see cref="PersistenceSettings"/> into the Akka.Persistence HOCON, and prepares SQLite files.</summary>
public static class PersistenceConfig
{
    // ActorNas's own plugin ids (not Akka.Persistence.Sql's default "...sql" ones): inside an ActorSystem that also has
    // persistence of its own, the search's log never lands in the owner's journal, nor theirs in ours.
    public const string JournalPlugin = "akka.persistence.journal.actornas";
    public const string SnapshotPlugin = "akka.persistence.snapshot-store.actornas";
    public const string QueryPlugin = "akka.persistence.query.journal.actornas";

    /// <summary>Persistence id of a search's log.</summary>
    public static string PersistenceId(string searchId) => "search-" + searchId;

    /// <summary>The search id of a persistence id, or null when the id does not belong to a search.</summary>
    public static string? SearchIdOf(string persistenceId) =>
        persistenceId.StartsWith("search-", StringComparison.Ordinal) ? persistenceId["search-".Length..] : null;

    public static string SqliteConnectionString(string path) =>
        new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();

    /// <summary>
    /// The persistence HOCON of a process ActorNas owns: its plugins (<see cref="PluginsFor"/>), also made the defaults.
    /// </summary>
    public static Config For(PersistenceSettings settings) =>
        ConfigurationFactory.ParseString($$"""
            akka.persistence.journal.plugin = "{{JournalPlugin}}"
            akka.persistence.snapshot-store.plugin = "{{SnapshotPlugin}}"
            """).WithFallback(PluginsFor(settings));

    /// <summary>
    /// Only ActorNas's journal, snapshot-store and read-journal plugins, under their own ids: what attaching to an
    /// ActorSystem someone else owns adds to it. Nothing outside those three paths.
    /// </summary>
    public static Config PluginsFor(PersistenceSettings settings)
    {
        if (settings.Provider == PersistenceProvider.InMemory)
            return ConfigurationFactory.ParseString($$"""
                {{JournalPlugin}}.class = "Akka.Persistence.Journal.MemoryJournal, Akka.Persistence"
                {{SnapshotPlugin}}.class = "Akka.Persistence.Snapshot.MemorySnapshotStore, Akka.Persistence"
                """);

        var (connection, provider) = settings.Provider switch
        {
            PersistenceProvider.Sqlite when settings.ReadOnly => (SqliteFiles.ReadOnlyConnectionString(settings.SqlitePath), "SQLite.MS"),
            PersistenceProvider.Sqlite => (SqliteConnectionString(settings.SqlitePath), "SQLite.MS"),
            PersistenceProvider.PostgreSql when string.IsNullOrWhiteSpace(settings.PostgresConnectionString) =>
                throw new SettingsException("actornas.persistence.provider = postgresql needs actornas.persistence.postgresql.connection-string"),
            _ => (settings.PostgresConnectionString, "PostgreSQL.15"),
        };
        var quoted = Hocon.Quote(connection);
        // SQLite has one writer per file: snapshots in the journal's file collided with journal writes, and
        // Microsoft.Data.Sqlite sleeps 150 ms before retrying a busy statement. They get a file of their own.
        var snapshotQuoted = settings.Provider != PersistenceProvider.Sqlite ? quoted
            : settings.ReadOnly ? Hocon.Quote(SqliteFiles.ReadOnlyConnectionString(SnapshotPath(settings.SqlitePath)))
            : Hocon.Quote(SqliteConnectionString(SnapshotPath(settings.SqlitePath)));
        // a reader creates nothing: the tables of a database that has none are left uncreated (it holds no search)
        var initialize = settings.ReadOnly ? "false" : "true";
        // Akka.Persistence.Sql's plugins fall back to their own reference settings (table layout, batching) by themselves.
        return ConfigurationFactory.ParseString($$"""
            {{JournalPlugin}} {
              class = "Akka.Persistence.Sql.Journal.SqlWriteJournal, Akka.Persistence.Sql"
              plugin-id = "{{JournalPlugin}}"
              connection-string = {{quoted}}
              provider-name = "{{provider}}"
              auto-initialize = {{initialize}}
            }
            {{SnapshotPlugin}} {
              class = "{{typeof(ActorNasSnapshotStore).FullName}}, ActorNas.Actors"
              plugin-id = "{{SnapshotPlugin}}"
              connection-string = {{snapshotQuoted}}
              provider-name = "{{provider}}"
              auto-initialize = {{initialize}}
            }
            {{QueryPlugin}} {
              class = "Akka.Persistence.Sql.Query.SqlReadJournalProvider, Akka.Persistence.Sql"
              plugin-id = "{{QueryPlugin}}"
              write-plugin = "{{JournalPlugin}}"
              connection-string = {{quoted}}
              provider-name = "{{provider}}"
              refresh-interval = 250ms
            }
            """);
    }

    /// <summary>
    /// Where an ActorSystem's ActorNas log lives, read back from its plugin configuration (as <see cref="PluginsFor"/>
    /// wrote it); null for an in-memory journal, or when the system has no ActorNas plugins.
    /// </summary>
    public static PersistenceSettings? SettingsOf(Config config)
    {
        var connection = config.GetString($"{QueryPlugin}.connection-string", null);
        var provider = config.GetString($"{QueryPlugin}.provider-name", null);
        if (string.IsNullOrEmpty(connection) || string.IsNullOrEmpty(provider)) return null;
        return provider.StartsWith("SQLite", StringComparison.OrdinalIgnoreCase)
            ? new PersistenceSettings(PersistenceProvider.Sqlite, new SqliteConnectionStringBuilder(connection).DataSource, "", 0)
            : new PersistenceSettings(PersistenceProvider.PostgreSql, "", connection, 0);
    }

    /// <summary>The SQLite file that holds a database's snapshots, beside it.</summary>
    public static string SnapshotPath(string dbPath) => dbPath + ".snapshots";


    /// <summary>
    /// Before a process writes: checks that the file is (or can become) an ActorNas log, not another program's database,
    /// and switches it to WAL, which the journal needs for throughput; the plugin cannot set it. The snapshots file
    /// beside it gets the same check. Fails with a message that names the file and the fix.
    /// </summary>
    public static void PrepareSqlite(string path, bool mustExist)
    {
        SqliteFiles.PrepareForWriting(path, mustExist, JournalLayout.JournalTable, JournalLayout.JournalColumns);
        SqliteFiles.PrepareForWriting(SnapshotPath(path), mustExist: false, JournalLayout.SnapshotTable, JournalLayout.SnapshotColumns);
    }
}

/// <summary>The event store cannot be used as asked; the message names the database and the fix.</summary>
public sealed class StoreException(string message) : Exception(message);
