using System.Diagnostics;

namespace ActorNas.Integration.Tests;

/// <summary>One search has one writer: a second process is turned away while the first runs, and kill -9 frees it.</summary>
public sealed class SingleWriterTests(ITestOutputHelper output)
{
    private const int StoreError = 3;
    private const string SearchId = "long";

    [Fact]
    public async Task A_second_process_cannot_run_a_search_that_is_running()
    {
        using var dir = new TempDirectory();
        var db = dir.File("searches.db");
        var config = dir.Write("synthetic.hocon", Cli.SyntheticConfig(meanMs: 20));
        using var first = ActorNasProcess.Start(dir.Path,
            Cli.RunArgs(db, SearchId, budget: 100_000, seed: 4, "--space", "nb201", "--workers", "4", "--config", config));

        var progress = await WaitForProgressAsync(dir, db, first, above: 0);
        output.WriteLine($"first process {first.Id}: {progress} evaluated");

        // twice: a turned-away attempt must not weaken the lock for the next one
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            var second = await ActorNasProcess.RunAsync(dir.Path, "resume", "--db", db, "--search-id", SearchId, "--json");
            output.WriteLine($"attempt {attempt}: exit {second.ExitCode}: {string.Join(" | ", second.StderrLines)}");
            Assert.True(second.ExitCode == StoreError, second.ToString());
            var error = Assert.Single(second.StderrLines);
            Assert.StartsWith("error: ", error, StringComparison.Ordinal);
            Assert.Contains("another process", error, StringComparison.Ordinal);
            Assert.Contains(SearchId, error, StringComparison.Ordinal);
        }

        // the first goes on undisturbed
        Assert.False(first.HasExited, "the first process ended while a second one tried to resume its search");
        var later = await WaitForProgressAsync(dir, db, first, above: progress);
        Assert.False(first.HasExited);

        // kill -9 leaves no stale lock: a resume takes over at once and makes progress
        first.KillHard();
        var killed = await first.ResultAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(ActorNasProcess.KilledExitCode, killed.ExitCode);
        var atKill = (await Cli.StatusAsync(dir, db, SearchId)).Evaluated;
        Assert.True(atKill >= later, $"{atKill} evaluated after the kill, {later} before");
        output.WriteLine($"killed the first at {atKill} evaluated");

        using var resumed = ActorNasProcess.Start(dir.Path, "resume", "--db", db, "--search-id", SearchId);
        var resumedProgress = await WaitForProgressAsync(dir, db, resumed, above: atKill);
        output.WriteLine($"the resume took over: {resumedProgress} evaluated");
        resumed.KillHard();
        await resumed.ResultAsync(TimeSpan.FromSeconds(30));

        var rows = await ExportCsv.ExportAsync(dir, db, SearchId);
        Assert.Equal(rows.Count, rows.Select(r => r.JobId).Distinct().Count());
    }

    [Fact]
    public async Task The_same_database_reached_through_a_symbolic_link_has_the_same_lock()
    {
        using var dir = new TempDirectory();
        var db = dir.File("searches.db");
        var fileLink = dir.File("link.db");
        File.CreateSymbolicLink(fileLink, db);
        var folderLink = dir.Path + "-link";
        Directory.CreateSymbolicLink(folderLink, dir.Path);
        try
        {
            var config = dir.Write("synthetic.hocon", Cli.SyntheticConfig(meanMs: 20));
            using var first = ActorNasProcess.Start(dir.Path,
                Cli.RunArgs(db, SearchId, budget: 100_000, seed: 4, "--space", "nb201", "--workers", "2", "--config", config));
            await DatabaseFiles.WaitForAsync(db, SearchId, events: 20, snapshot: false, first, TimeSpan.FromSeconds(60));

            foreach (var other in new[] { fileLink, Path.Combine(folderLink, "searches.db") })
            {
                var second = await ActorNasProcess.RunAsync(dir.Path, "resume", "--db", other, "--search-id", SearchId);
                output.WriteLine($"resume --db {other}: exit {second.ExitCode}: {string.Join(" | ", second.StderrLines)}");
                Assert.True(second.ExitCode == StoreError, second.ToString());
                Assert.Contains("another process", Assert.Single(second.StderrLines), StringComparison.Ordinal);
            }
            Assert.False(first.HasExited, "the first process ended while others tried to resume its search through links");
            first.KillHard();
            await first.ResultAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            Directory.Delete(folderLink);
        }
    }

    /// <summary>Polls `status` until more than <paramref name="above"/> evaluations are recorded; fails if the process dies first.</summary>
    private static async Task<int> WaitForProgressAsync(TempDirectory dir, string db, ActorNasProcess process, int above)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                var result = await process.ResultAsync(TimeSpan.FromSeconds(10));
                Assert.Fail($"the search process ended before making progress\n{result}");
            }
            var list = await ActorNasProcess.RunAsync(dir.Path, "list", "--db", db);
            if (list.ExitCode == 0 && list.StdoutLines.Contains(SearchId))
            {
                var status = await Cli.StatusAsync(dir, db, SearchId);
                if (status.Evaluated > above) return status.Evaluated;
            }
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"no progress beyond {above} evaluations within 60 s");
            await Task.Delay(300);
        }
    }
}
