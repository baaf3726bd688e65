namespace ActorNas.Integration.Tests;

/// <summary>run -> list -> export -> status on small searches: what each command reports agrees with the others.</summary>
public sealed class CliRoundTripTests(ITestOutputHelper output)
{
    private const int Budget = 200;

    [Fact]
    public async Task Run_list_export_and_status_agree()
    {
        using var dir = new TempDirectory();
        var db = dir.File("searches.db");
        var config = dir.Write("synthetic.hocon", Cli.SyntheticConfig(meanMs: 1));

        var run = await ActorNasProcess.RunAsync(dir.Path,
            Cli.RunArgs(db, "first", Budget, seed: 11, "--space", "nb201", "--population", "20", "--sample", "5", "--workers", "4", "--config", config, "--json"));
        Assert.True(run.ExitCode == 0, run.ToString());
        var summary = run.Summary();
        output.WriteLine(summary.Json);
        Assert.Equal("first", summary.SearchId);
        Assert.True(summary.Completed, summary.Json);
        Assert.Equal("budget", summary.CompletionReason);
        Assert.Equal(Budget, summary.Evaluated);
        Assert.Equal(Budget, summary.Budget);
        Assert.Equal(0, summary.Failed);
        Assert.Equal(0, summary.Running);
        Assert.Equal(0, summary.Queued);
        Assert.NotNull(summary.Best);
        Assert.StartsWith("|", summary.Best.Genotype, StringComparison.Ordinal); // NAS-Bench-201 string form
        Assert.True(summary.ElapsedSeconds > 0, summary.Json);
        Assert.DoesNotContain(run.StderrLines, l => l.StartsWith("error", StringComparison.Ordinal)); // progress only
        Assert.Equal(["first"], await Cli.ListAsync(dir, db));

        var rows = await ExportCsv.ExportAsync(dir, db, "first");
        CheckExport(rows, summary);
        Assert.All(rows, r => Assert.Matches(@"^\|.*\|$", r.Genotype));

        var status = await Cli.StatusAsync(dir, db, "first");
        Assert.Equal(summary.Evaluated, status.Evaluated);
        Assert.Equal(summary.Failed, status.Failed);
        Assert.Equal(summary.Budget, status.Budget);
        Assert.Equal(summary.Best, status.Best);
        Assert.True(status.Completed, status.Json);
        Assert.Equal("budget", status.CompletionReason);

        // a second search beside the first
        var second = await ActorNasProcess.RunAsync(dir.Path,
            Cli.RunArgs(db, "second", budget: 50, seed: 12, "--space", "nb201", "--population", "10", "--sample", "3", "--workers", "2", "--config", config, "--json"));
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(50, second.Summary().Evaluated);
        Assert.Equal(["first", "second"], (await Cli.ListAsync(dir, db)).Order(StringComparer.Ordinal));
        Assert.Equal(50, (await ExportCsv.ExportAsync(dir, db, "second")).Count);

        // status without --search-id covers both; the first is untouched by the second
        var all = await ActorNasProcess.RunAsync(dir.Path, "status", "--db", db, "--json");
        Assert.True(all.ExitCode == 0, all.ToString());
        var summaries = SearchSummary.ParseList(all.StdoutLines[^1]).ToDictionary(s => s.SearchId);
        Assert.Equal(["first", "second"], summaries.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(status with { Json = "" }, summaries["first"]);
        Assert.Equal(50, summaries["second"].Evaluated);
        Assert.Equal(second.Summary().Best, summaries["second"].Best);
    }

    [Fact]
    public async Task Resuming_a_completed_search_changes_nothing()
    {
        using var dir = new TempDirectory();
        var db = dir.File("searches.db");
        var run = await ActorNasProcess.RunAsync(dir.Path, Cli.RunArgs(db, "done", budget: 60, seed: 3, "--space", "nb201", "--workers", "2", "--json"));
        Assert.True(run.ExitCode == 0, run.ToString());
        var rowsBefore = await ExportCsv.ExportAsync(dir, db, "done");

        var resume = await ActorNasProcess.RunAsync(dir.Path, "resume", "--db", db, "--search-id", "done", "--json");

        Assert.True(resume.ExitCode == 0, resume.ToString());
        var summary = resume.Summary();
        Assert.True(summary.Completed, summary.Json);
        Assert.Equal(60, summary.Evaluated);
        Assert.Equal(run.Summary().Best, summary.Best);
        var rowsAfter = await ExportCsv.ExportAsync(dir, db, "done");
        Assert.Equal(rowsBefore.Select(r => (r.JobId, r.Status, r.ObjectiveText)), rowsAfter.Select(r => (r.JobId, r.Status, r.ObjectiveText)));
    }

    /// <summary>Other spaces and modes complete too; with failures, the budget still counts successes only.</summary>
    [Theory]
    [InlineData("nb201", "batch", 0.0)]
    [InlineData("sequential", "continuous", 0.0)]
    [InlineData("sequential", "batch", 0.0)]
    [InlineData("nb201", "continuous", 0.3)]
    [InlineData("sequential", "batch", 0.3)]
    [InlineData("hierarchical", "continuous", 0.0)]
    public async Task Search_completes(string space, string mode, double failureRate)
    {
        using var dir = new TempDirectory();
        var db = dir.File("searches.db");
        var config = dir.Write("synthetic.hocon", Cli.SyntheticConfig(meanMs: 1, failureRate: failureRate));

        var run = await ActorNasProcess.RunAsync(dir.Path,
            Cli.RunArgs(db, "s", Budget, seed: 5, "--space", space, "--mode", mode, "--population", "20", "--sample", "5", "--workers", "4", "--max-attempts", "2", "--config", config, "--json"));

        Assert.True(run.ExitCode == 0, run.ToString());
        var summary = run.Summary();
        output.WriteLine(summary.Json);
        Assert.True(summary.Completed, summary.Json);
        Assert.Equal("budget", summary.CompletionReason);
        Assert.Equal(Budget, summary.Evaluated);
        var rows = await ExportCsv.ExportAsync(dir, db, "s");
        CheckExport(rows, summary);
        if (space == "sequential") Assert.All(rows, r => Assert.DoesNotMatch(@"^\|", r.Genotype));
        if (space == "hierarchical") Assert.All(rows, r => Assert.Matches(@"^(\|[01]+(/[01]+)*){3}\|$", r.Genotype)); // one graph per stage
        if (failureRate == 0) Assert.Equal(0, summary.Failed);
        else Assert.InRange(summary.Failed, 1, Budget); // 2 attempts at 30 % each: about 9 % fail for good
        var status = await Cli.StatusAsync(dir, db, "s");
        Assert.Equal(summary.Evaluated, status.Evaluated);
        Assert.Equal(summary.Failed, status.Failed);
        Assert.Equal(summary.Best, status.Best);
    }

    [Fact]
    public async Task Search_stopped_by_the_failure_limit_exits_1_and_keeps_what_it_recorded()
    {
        using var dir = new TempDirectory();
        var db = dir.File("searches.db");
        var config = dir.Write("synthetic.hocon", Cli.SyntheticConfig(meanMs: 1, failureRate: 0.6) + "actornas.search.max-failures = 5\n");

        var run = await ActorNasProcess.RunAsync(dir.Path,
            Cli.RunArgs(db, "failing", Budget, seed: 5, "--space", "nb201", "--workers", "4", "--max-attempts", "1", "--config", config, "--json"));

        Assert.True(run.ExitCode == 1, run.ToString());
        var summary = run.Summary();
        output.WriteLine(summary.Json);
        Assert.True(summary.Completed, summary.Json);
        Assert.Equal("failure-limit", summary.CompletionReason);
        Assert.Equal(5, summary.Failed);
        Assert.True(summary.Evaluated < Budget, summary.Json);
        var rows = await ExportCsv.ExportAsync(dir, db, "failing");
        Assert.Equal(rows.Count, rows.Select(r => r.JobId).Distinct().Count());
        Assert.Equal(5, rows.Count(r => r.Status == "failed"));
        Assert.Equal(summary.Evaluated, rows.Count(r => r.IsEvaluated));
        Assert.All(rows.Where(r => r.Status == "failed"), r => Assert.Null(r.ObjectiveText));
        var status = await Cli.StatusAsync(dir, db, "failing");
        Assert.Equal(summary.Evaluated, status.Evaluated);
        Assert.Equal(summary.Failed, status.Failed);
        Assert.Equal(summary.Best, status.Best);
        Assert.True(status.Completed, status.Json);
        Assert.Equal("failure-limit", status.CompletionReason);
        // the candidates in flight at the stop stay pending (running or queued), in the export too
        Assert.Equal(summary.Running + summary.Queued, status.Running + status.Queued);
        Assert.Equal(status.Running + status.Queued, rows.Count(r => r.Status == "pending"));
    }

    /// <summary>
    /// One row per proposed candidate: every evaluated one has an objective, the counts match the summary, the best
    /// row is the summary's best. A completed search never proposes past its budget, so nothing is left pending and
    /// the rows are exactly the evaluated plus the finally failed candidates.
    /// </summary>
    private static void CheckExport(IReadOnlyList<ExportRow> rows, SearchSummary summary)
    {
        Assert.Equal(rows.Count, rows.Select(r => r.JobId).Distinct().Count());
        Assert.All(rows, r => Assert.Contains(r.Status, new[] { "evaluated", "failed" }));
        var evaluated = rows.Where(r => r.IsEvaluated).ToList();
        Assert.Equal(summary.Evaluated, evaluated.Count);
        Assert.Equal(summary.Failed, rows.Count(r => r.Status == "failed"));
        Assert.Equal(summary.Evaluated + summary.Failed, rows.Count);
        Assert.All(evaluated, r =>
        {
            Assert.NotNull(r.Objective);
            Assert.True(double.IsFinite(r.Objective.Value), r.ObjectiveText);
        });
        Assert.All(rows.Where(r => !r.IsEvaluated), r => Assert.Null(r.ObjectiveText));
        Assert.NotNull(summary.Best);
        Assert.Equal(evaluated.Max(r => r.Objective!.Value), summary.Best.Objective);
        var best = Assert.Single(rows, r => r.JobId == summary.Best.Id);
        Assert.Equal(summary.Best.Genotype, best.Genotype);
        Assert.Equal(summary.Best.Objective, best.Objective);
        // children name a parent that was proposed before them
        var ids = rows.Select(r => r.JobId).ToHashSet();
        Assert.All(rows.Where(r => r.Cells["parent_id"].Length > 0), r =>
        {
            var parent = long.Parse(r.Cells["parent_id"], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Contains(parent, ids);
            Assert.True(parent < r.JobId, $"candidate {r.JobId} has parent {parent}");
        });
    }
}
