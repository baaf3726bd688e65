using System.Text.Json;

namespace ActorNas.Integration.Tests;

/// <summary>
/// `actornas backup` while a search writes: the copy is one consistent moment of the log (SQLite's online backup, WAL
/// included), opens, and its search resumes to exactly its budget.
/// </summary>
public sealed class BackupCliTests(ITestOutputHelper output)
{
    private const string SearchId = "busy";

    [Fact]
    public async Task A_backup_taken_while_the_search_runs_resumes_to_exactly_the_budget()
    {
        const int budget = 400;
        using var dir = new TempDirectory();
        var db = dir.File("search.db");
        var copy = dir.File("backup.db");
        var config = dir.Write("slow.hocon", Cli.SyntheticConfig(meanMs: 25, sigma: 0.3) + "actornas.persistence.snapshot-every = 50\n");
        using var run = ActorNasProcess.Start(dir.Path, Cli.RunArgs(db, SearchId, budget, seed: 5,
            "--space", "nb201", "--population", "20", "--sample", "5", "--workers", "2", "--config", config));
        await DatabaseFiles.WaitForAsync(db, SearchId, events: 300, snapshot: true, run, TimeSpan.FromSeconds(90));

        var backup = await ActorNasProcess.RunAsync(dir.Path, "backup", "--db", db, "--out", copy, "--json");
        output.WriteLine(backup.Stdout);
        Assert.True(backup.ExitCode == 0, backup.ToString());
        Assert.False(run.HasExited, "the search ended before the backup was taken; slow it down");
        using (var json = JsonDocument.Parse(backup.StdoutLines[^1]))
            Assert.Equal(copy + ".snapshots", json.RootElement.GetProperty("snapshotsOut").GetString());

        var again = await ActorNasProcess.RunAsync(dir.Path, "backup", "--db", db, "--out", copy);
        Assert.True(again.ExitCode == 2, again.ToString());
        Assert.Contains("already exists; pass --force", again.Stderr, StringComparison.Ordinal);

        var finished = await run.ResultAsync(TimeSpan.FromSeconds(120));
        Assert.True(finished.ExitCode == 0, finished.ToString());

        var atBackup = await Cli.StatusAsync(dir, copy, SearchId);
        output.WriteLine($"the copy holds {atBackup.Evaluated} evaluations");
        Assert.False(atBackup.Completed);
        Assert.True(atBackup.Evaluated > 0);

        var resumed = await ActorNasProcess.RunAsync(dir.Path, TimeSpan.FromSeconds(150), "resume", "--db", copy, "--search-id", SearchId, "--json");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        var summary = resumed.Summary();
        Assert.True(summary.Completed, summary.Json);
        Assert.Equal(budget, summary.Evaluated);
        var rows = await ExportCsv.ExportAsync(dir, copy, SearchId);
        Assert.Equal(rows.Count, rows.Select(r => r.JobId).Distinct().Count());
        Assert.Equal(budget, rows.Count(r => r.IsEvaluated));
    }
}
