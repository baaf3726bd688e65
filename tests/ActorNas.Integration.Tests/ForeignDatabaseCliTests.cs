using Microsoft.Data.Sqlite;

namespace ActorNas.Integration.Tests;

/// <summary>
/// --db pointing at another program's SQLite file: the reading commands change nothing in it (no table, no WAL switch,
/// no file beside it) and say it holds no search; run refuses it before writing anything.
/// </summary>
public sealed class ForeignDatabaseCliTests
{
    private const int StoreError = 3;

    [Fact]
    public async Task Status_and_list_leave_another_programs_database_as_it_was_and_run_refuses_it()
    {
        using var dir = new TempDirectory();
        var db = dir.File("notes.db");
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Pooling = false }.ToString()))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('keep me');";
            command.ExecuteNonQuery();
        }
        var bytes = await File.ReadAllBytesAsync(db);
        string[] filesBefore = [.. Directory.GetFiles(dir.Path).Order()];

        var status = await ActorNasProcess.RunAsync(dir.Path, "status", "--db", db);
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("holds no search", status.Stdout, StringComparison.Ordinal);
        var list = await ActorNasProcess.RunAsync(dir.Path, "list", "--db", db);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Empty(list.StdoutLines);
        Assert.Contains("holds no search", list.Stderr, StringComparison.Ordinal);

        var run = await ActorNasProcess.RunAsync(dir.Path, Cli.RunArgs(db, "s", budget: 10, seed: 1, "--space", "nb201"));
        Assert.True(run.ExitCode == StoreError, run.ToString());
        var error = Assert.Single(run.StderrLines);
        Assert.Contains("another program", error, StringComparison.Ordinal);
        Assert.Contains("notes", error, StringComparison.Ordinal);

        Assert.Equal(bytes, await File.ReadAllBytesAsync(db));
        // nothing beside it either (run's log file aside, which it writes beside the database it was given)
        Assert.Equal(filesBefore, Directory.GetFiles(dir.Path).Where(f => Path.GetFileName(f) != "actornas.log").Order().ToArray());
    }
}
