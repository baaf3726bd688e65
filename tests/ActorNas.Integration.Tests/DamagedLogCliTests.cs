using System.Text.Json;

namespace ActorNas.Integration.Tests;

/// <summary>
/// A search log with one damaged row, on a real SQLite file and through real `actornas` processes: every command gives
/// the same verdict (exit 3: search, sequence number, event type, the repair command) and leaves the file as it was;
/// `repair` copies what reads into a new database whose search resumes to its budget; an unreadable snapshot costs a
/// warning and nothing else.
/// </summary>
public sealed class DamagedLogCliTests(ITestOutputHelper output)
{
    private const int StoreError = 3;
    private const string SearchId = "damaged";

    /// <summary>
    /// In the middle: before the newest snapshot, so a resume recovers and its check of the older events stops it (status,
    /// which reads from the snapshot on, answers); at the end: the search's last event, after the snapshot, so the
    /// Population's own recovery and status meet it.
    /// </summary>
    [Theory]
    [InlineData("middle")]
    [InlineData("end")]
    public async Task An_unreadable_event_gets_one_verdict_from_every_command_and_repair_keeps_what_reads(string where)
    {
        const int budget = 60;
        using var dir = new TempDirectory();
        var db = dir.File("search.db");
        var config = dir.Write("search.hocon", Cli.SyntheticConfig(meanMs: 1) + "actornas.persistence.snapshot-every = 20\n");
        var run = await ActorNasProcess.RunAsync(dir.Path, Cli.RunArgs(db, SearchId, budget, seed: 11,
            "--space", "nb201", "--population", "10", "--sample", "3", "--workers", "2", "--config", config));
        Assert.True(run.ExitCode == 0, run.ToString());

        var highest = DatabaseFiles.HighestSequenceNr(db, SearchId);
        var bad = where == "middle" ? highest / 2 : highest;
        var manifest = DatabaseFiles.ManifestAt(db, SearchId, bad);
        DatabaseFiles.CorruptEvent(db, SearchId, bad);
        output.WriteLine($"{highest} events, snapshot at {DatabaseFiles.LatestSnapshot(db, SearchId)}; event {bad} ({manifest}) overwritten");
        var original = DatabaseFiles.Take(db);

        // status reads the newest snapshot and the events after it: it meets an event after the snapshot, and answers from
        // the snapshot when the damage is before it (the commands that read every event give the verdict)
        var snapshot = DatabaseFiles.LatestSnapshot(db, SearchId);
        string[] status = ["status", "--db", db, "--search-id", SearchId];
        if (bad <= snapshot)
        {
            var answered = await ActorNasProcess.RunAsync(dir.Path, [.. status, "--json"]);
            Assert.True(answered.ExitCode == 0, answered.ToString());
            Assert.Equal(budget, answered.Summary().Evaluated);
            original.AssertUnchanged("by status");
        }
        string[][] commands =
        [
            .. bad > snapshot ? [status] : Array.Empty<string[]>(),
            ["export", "--db", db, "--search-id", SearchId, "--out", dir.File("out.csv")],
            ["analyze", "--db", db, "--search-id", SearchId, "--out", dir.File("analysis")],
            ["resume", "--db", db, "--search-id", SearchId],
            Cli.RunArgs(db, SearchId, budget, seed: 11, "--space", "nb201"),
        ];
        var verdicts = new List<string>();
        foreach (var args in commands)
        {
            var result = await ActorNasProcess.RunAsync(dir.Path, args);
            output.WriteLine($"{result.CommandLine} -> {result.ExitCode} in {result.Elapsed.TotalSeconds:F1} s: {string.Join(" | ", result.StderrLines)}");
            Assert.True(result.ExitCode == StoreError, result.ToString());
            var error = Assert.Single(result.StderrLines);
            Assert.StartsWith("error: ", error, StringComparison.Ordinal);
            Assert.Contains($"search \"{SearchId}\"", error, StringComparison.Ordinal);
            Assert.Contains($"event {bad} ({manifest})", error, StringComparison.Ordinal);
            Assert.Contains($"actornas repair --db {db} --search-id {SearchId} --out NEW.db", error, StringComparison.Ordinal);
            verdicts.Add(error);
            original.AssertUnchanged($"by `{result.CommandLine}`");
        }
        Assert.Single(verdicts.Distinct());
        Assert.False(File.Exists(dir.File("out.csv")));

        // list reads no event: the search is still there
        Assert.Contains(SearchId, await Cli.ListAsync(dir, db));

        var partial = await ActorNasProcess.RunAsync(dir.Path, "export", "--db", db, "--search-id", SearchId, "--out", dir.File("partial.csv"), "--skip-unreadable");
        Assert.True(partial.ExitCode == 0, partial.ToString());
        Assert.Contains($"skipped 1 unreadable event(s) of search {SearchId}, sequence numbers {bad};", partial.Stderr, StringComparison.Ordinal);
        Assert.True(new FileInfo(dir.File("partial.csv")).Length > 0);
        original.AssertUnchanged("by export --skip-unreadable");

        var fixedDb = dir.File("fixed.db");
        var repair = await ActorNasProcess.RunAsync(dir.Path, "repair", "--db", db, "--search-id", SearchId, "--out", fixedDb, "--json");
        output.WriteLine(repair.Stdout);
        Assert.True(repair.ExitCode == 0, repair.ToString());
        using (var json = JsonDocument.Parse(repair.StdoutLines[^1]))
        {
            Assert.Equal(bad - 1, json.RootElement.GetProperty("eventsCopied").GetInt64());
            Assert.Equal(bad, json.RootElement.GetProperty("firstUnreadable").GetInt64());
        }
        original.AssertUnchanged("by repair");

        var resumed = await ActorNasProcess.RunAsync(dir.Path, "resume", "--db", fixedDb, "--search-id", SearchId, "--json");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        var summary = resumed.Summary();
        Assert.True(summary.Completed, summary.Json);
        Assert.Equal("budget", summary.CompletionReason);
        Assert.Equal(budget, summary.Evaluated);
        var rows = await ExportCsv.ExportAsync(dir, fixedDb, SearchId);
        Assert.Equal(rows.Count, rows.Select(r => r.JobId).Distinct().Count());
        Assert.Equal(budget, rows.Count(r => r.IsEvaluated));
    }

    /// <summary>In the middle: a search killed mid-way resumes past it; at the end: a completed search resumes as completed.</summary>
    [Theory]
    [InlineData("middle")]
    [InlineData("end")]
    public async Task An_unreadable_snapshot_costs_a_warning_and_the_journal_alone_completes_the_search(string where)
    {
        const int budget = 300;
        using var dir = new TempDirectory();
        var db = dir.File("search.db");
        var config = dir.Write("search.hocon", Cli.SyntheticConfig(meanMs: 10, sigma: 0.2) + "actornas.persistence.snapshot-every = 20\n");
        var runArgs = Cli.RunArgs(db, SearchId, budget, seed: 12, "--space", "nb201", "--population", "20", "--sample", "5", "--workers", "2", "--config", config);
        using (var run = ActorNasProcess.Start(dir.Path, runArgs))
        {
            if (where == "middle")
            {
                await DatabaseFiles.WaitForAsync(db, SearchId, events: 200, snapshot: true, run, TimeSpan.FromSeconds(90));
                run.KillHard();
                Assert.Equal(ActorNasProcess.KilledExitCode, (await run.ResultAsync(TimeSpan.FromSeconds(30))).ExitCode);
            }
            else Assert.Equal(0, (await run.ResultAsync(TimeSpan.FromSeconds(120))).ExitCode);
        }
        var snapshot = DatabaseFiles.LatestSnapshot(db, SearchId);
        Assert.True(snapshot > 0, "no snapshot was saved");
        DatabaseFiles.CorruptSnapshot(db, SearchId, snapshot);
        var before = await Cli.StatusAsync(dir, db, SearchId);
        output.WriteLine($"snapshot at event {snapshot} overwritten; {before.Evaluated} evaluated, completed: {before.Completed}");
        Assert.Equal(where == "end", before.Completed);

        // what reads the journal is unaffected; repair copies every event, and the copy resumes too
        var original = DatabaseFiles.Take(db);
        var fixedDb = dir.File("fixed.db");
        var repair = await ActorNasProcess.RunAsync(dir.Path, "repair", "--db", db, "--search-id", SearchId, "--out", fixedDb);
        Assert.True(repair.ExitCode == 0, repair.ToString());
        Assert.Contains("every event read", repair.Stdout, StringComparison.Ordinal);
        original.AssertUnchanged("by repair");

        foreach (var target in new[] { db, fixedDb })
        {
            var resumed = await ActorNasProcess.RunAsync(dir.Path, "resume", "--db", target, "--search-id", SearchId, "--json");
            output.WriteLine($"{resumed.CommandLine} -> {resumed.ExitCode}: {string.Join(" | ", resumed.StderrLines.Where(l => !l.StartsWith('[')))}");
            Assert.True(resumed.ExitCode == 0, resumed.ToString());
            if (target == db)
                Assert.Contains($"the latest snapshot of search {SearchId} cannot be read", resumed.Stderr, StringComparison.Ordinal);
            var summary = resumed.Summary();
            Assert.True(summary.Completed, summary.Json);
            Assert.Equal(budget, summary.Evaluated);
            var rows = await ExportCsv.ExportAsync(dir, target, SearchId);
            Assert.Equal(rows.Count, rows.Select(r => r.JobId).Distinct().Count());
            Assert.Equal(budget, rows.Count(r => r.IsEvaluated));
        }
    }
}
