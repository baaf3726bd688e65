using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ActorNas.Actors.Configuration;
using ActorNas.Actors.Persistence;
using ActorNas.Cli.Running;
using ActorNas.Cli.Output;
using Microsoft.Data.Sqlite;

namespace ActorNas.Cli.Commands;

/// <summary>
/// `actornas backup`: a consistent copy of an SQLite search database, safe while a search writes to it. Copying the
/// file misses what SQLite still holds in its -wal file; SQLite's online backup copies the database as one read
/// transaction sees it, WAL included, without stopping the writer.
/// </summary>
internal static class BackupCommand
{
    public static Command Create()
    {
        var db = CliOptions.Db();
        db.Description = "SQLite file holding the search logs (only read; a search may be running on it)";
        var output = new Option<string>("--out") { Description = "File for the copy; its snapshots go to FILE.snapshots", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace --out (and --out.snapshots) if they exist" };
        var json = CliOptions.Json();
        var verbose = CliOptions.Verbose();
        var command = new Command("backup", "Copy a search database consistently, also while a search runs on it (SQLite's online backup)")
        {
            db, output, force, json, verbose,
        };
        command.SetAction((parse, cancel) => CommandGuard.RunAsync(parse.GetValue(verbose), parse.GetValue(json), async () =>
        {
            var path = Path.GetFullPath(parse.GetValue(db)!);
            var source = new PersistenceSettings(PersistenceProvider.Sqlite, path, "", 0) { ReadOnly = true };
            var target = OutputPaths.CheckNewDatabase("--out", parse.GetValue(output)!, source, parse.GetValue(force));
            if (!SqliteFiles.HoldsJournal(path))
                throw new StoreException($"\"{path}\" holds no ActorNas log; there is nothing to back up");
            Logging.Configure(null, target);

            // snapshots first: a snapshot only holds events already in the journal, so the journal copied after it
            // holds every event the snapshot copy covers (the other order could pair an older journal with a newer snapshot)
            var snapshots = PersistenceConfig.SnapshotPath(path);
            string? snapshotsOut = null;
            if (File.Exists(snapshots) && new FileInfo(snapshots).Length > 0)
            {
                snapshotsOut = PersistenceConfig.SnapshotPath(target);
                Copy(snapshots, snapshotsOut);
            }
            Copy(path, target);

            var events = CountEvents(target);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"backed up {path} ({events} events) to {target}{(snapshotsOut is null ? "" : $", its snapshots to {snapshotsOut}")}"));
            if (parse.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(new BackupJson(path, target, snapshotsOut, events), CliJson.Relaxed.BackupJson));
            await Task.CompletedTask;
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>SQLite's online backup, all pages in one step: one read transaction, so the copy is one moment of the database.</summary>
    private static void Copy(string from, string to)
    {
        using var source = new SqliteConnection(SqliteFiles.ReadOnlyConnectionString(from));
        using var destination = new SqliteConnection(Unpooled(to));
        source.Open();
        destination.Open();
        source.BackupDatabase(destination);
    }

    /// <summary>A connection closed for real on dispose, so that the copy is left complete, without -wal or -shm files.</summary>
    private static string Unpooled(string path) => new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();

    private static long CountEvents(string db)
    {
        using var connection = new SqliteConnection(Unpooled(db));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {JournalLayout.JournalTable}";
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
