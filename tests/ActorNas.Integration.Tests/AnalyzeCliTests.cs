using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ActorNas.Integration.Tests;

/// <summary>
/// `actornas analyze` as a real process over searches that real `run` and `simulate` processes wrote: its
/// candidates.csv agrees with `actornas export`, the figures are real PNGs that report.md shows, the layer-request
/// trace has one row per layer of every started attempt; tiny, failing and live searches all give a report; bad
/// input is refused with one clear line; --compare sets a batch and a continuous search side by side; --follow ends
/// by itself when the search it follows completes.
/// </summary>
public sealed class AnalyzeCliTests(AnalyzedSearch analyzed, ITestOutputHelper output) : IClassFixture<AnalyzedSearch>
{
    private const int BadInput = 2;
    private const int StoreError = 3;

    /// <summary>Every figure of sections 1 to 5 (src/ActorNas.Analysis/Output/Figures.cs); section 6 adds compare-running-best.png.</summary>
    private static readonly string[] Figures =
    [
        "quality-over-time.png", "low-quality-share.png", "mutation-positions.png", "prefix-lengths.png", "model-size.png",
        "donor-popularity.png", "donor-tiering.png", "worker-timeline.png", "task-durations.png", "reuse-distance.png", "cache-hit-ratio.png",
    ];

    private static readonly string[] Tables = ["candidates.csv", "candidates.parquet", "layer-requests.csv", "cache-study.csv", "report.md"];

    private static readonly string[] ExtraColumns = ["proposal_index", "prefix_length", "children", "transferred_layers", "cache_hit"];

    private static readonly string[] Sections =
    [
        "## 1. Quality over time", "## 2. Where mutations land", "## 3. Donor popularity", "## 4. The distributed view", "## 5. Cache study",
    ];

    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private const int Nb201Length = 6;

    // ---- 1 ----

    [Fact]
    public void Candidates_csv_agrees_with_export_row_for_row_and_its_extra_columns_add_up()
    {
        var (run, summary) = (analyzed.Run, analyzed.Summary);
        output.WriteLine(run.Json);
        output.WriteLine(summary.Json);
        Assert.True(run.Completed, run.Json);
        Assert.Equal(AnalyzedSearch.Budget, run.Evaluated);
        Assert.Equal(AnalyzedSearch.SearchId, summary.SearchId);
        Assert.Equal(Path.GetFullPath(analyzed.Out), summary.Out);
        Assert.True(summary.Completed, summary.Json);
        Assert.Equal(run.Evaluated, summary.Evaluated);
        Assert.Equal(run.Failed, summary.Failed);
        Assert.True(summary.Events > summary.Candidates, summary.Json);

        var export = analyzed.Export;
        var exportHeader = ExportCsv.Header(analyzed.ExportFile);
        var candidatesFile = Path.Combine(analyzed.Out, "candidates.csv");
        var candidates = ExportCsv.Read(candidatesFile, ExtraColumns);
        Assert.Equal(exportHeader.Concat(ExtraColumns), ExportCsv.Header(candidatesFile));
        Assert.Contains(exportHeader, c => c.StartsWith("metric:", StringComparison.Ordinal)); // the synthetic evaluator's durationMs

        // the same candidates in the same order, every export cell the same
        Assert.Equal(summary.Candidates, candidates.Count);
        Assert.Equal(export.Select(r => r.JobId), candidates.Select(r => r.JobId));
        for (var i = 0; i < export.Count; i++)
        {
            var row = i;
            Assert.Equal(exportHeader.Select(c => (export[row].JobId, c, export[row].Cells[c])), exportHeader.Select(c => (candidates[row].JobId, c, candidates[row].Cells[c])));
        }
        Assert.Equal(summary.Evaluated, candidates.Count(r => r.IsEvaluated));
        Assert.Equal(summary.Failed, candidates.Count(r => r.Status == "failed"));
        Assert.Contains(candidates, r => Int(r, "attempts") > 1); // 20 % of the attempts fail: retries happened

        // children: per candidate, the rows naming it as parent; in all, the rows with a parent
        var withParent = candidates.Where(r => r.Cells["parent_id"].Length > 0).ToList();
        var byId = candidates.ToDictionary(r => r.JobId);
        Assert.NotEmpty(withParent);
        var childCounts = withParent.GroupBy(r => Long(r, "parent_id")).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(candidates, r => Assert.Equal(childCounts.GetValueOrDefault(r.JobId), Int(r, "children")));
        Assert.Equal(withParent.Count, candidates.Sum(r => Int(r, "children")));

        // proposal_index: a permutation of 0..n-1 (the order of the proposals in the log; a child's id is reserved
        // when its tournament is drawn, so two children may be proposed in the other order than their ids)
        var indices = candidates.Select(r => Int(r, "proposal_index")).ToList();
        Assert.Equal(Enumerable.Range(0, candidates.Count), indices.Order());
        Assert.All(withParent, r => Assert.True(Int(r, "proposal_index") > Int(byId[Long(r, "parent_id")], "proposal_index"),
            $"candidate {r.JobId} is proposed before its parent"));

        // NB201: the transferable prefix of a mutation is its position; random candidates have neither
        Assert.All(candidates, r =>
        {
            Assert.Equal(r.Cells["parent_id"].Length > 0, r.Cells["mutation_position"].Length > 0);
            Assert.Equal(r.Cells["mutation_position"], r.Cells["prefix_length"]);
            Assert.InRange(Int(r, "transferred_layers"), 0, Nb201Length);
            Assert.Contains(r.Cells["cache_hit"], new[] { "", "true", "false" });
        });

        // the Parquet file is there and is Parquet (PAR1 at both ends)
        var parquet = File.ReadAllBytes(Path.Combine(analyzed.Out, "candidates.parquet"));
        Assert.True(parquet.Length > 8, $"candidates.parquet has {parquet.Length} bytes");
        Assert.Equal("PAR1", Encoding.ASCII.GetString(parquet, 0, 4));
        Assert.Equal("PAR1", Encoding.ASCII.GetString(parquet, parquet.Length - 4, 4));
    }

    // ---- 2 ----

    [Fact]
    public void Figures_are_real_pngs_that_the_report_shows_and_the_layer_trace_has_every_layer_of_every_attempt()
    {
        var summary = analyzed.Summary;
        Assert.Equal(Tables.Concat(Figures).Order(StringComparer.Ordinal), summary.Files.Order(StringComparer.Ordinal));
        Assert.All(summary.Files, f => Assert.True(File.Exists(Path.Combine(analyzed.Out, f)), $"{f} is listed but not in {analyzed.Out}"));
        Assert.Equal(Figures.Order(StringComparer.Ordinal),
            Directory.GetFiles(analyzed.Out, "*.png").Select(Path.GetFileName).Order(StringComparer.Ordinal));

        var report = File.ReadAllText(Path.Combine(analyzed.Out, "report.md"));
        output.WriteLine(report);
        AssertReport(report, summary, analyzed.Out);
        Assert.Contains("- status: completed (budget)", report, StringComparison.Ordinal);
        Assert.DoesNotContain("## 6.", report, StringComparison.Ordinal);

        var candidates = ExportCsv.Read(Path.Combine(analyzed.Out, "candidates.csv"), ExtraColumns);
        var requests = LayerRequests(Path.Combine(analyzed.Out, "layer-requests.csv"));
        var started = candidates.Sum(r => Int(r, "attempts"));
        Assert.Equal(started * Nb201Length, requests.Count);
        Assert.Contains($"`layer-requests.csv` ({requests.Count.ToString("N0", CultureInfo.InvariantCulture)} rows", report, StringComparison.Ordinal);
        CheckLayerRequests(requests, candidates);
    }

    // ---- 3 ----

    [Fact]
    public async Task A_single_candidate_a_failing_and_a_running_search_each_get_a_report()
    {
        using var dir = new TempDirectory();
        var slow = dir.Write("slow.hocon", Cli.SyntheticConfig(meanMs: 200));
        var failing = dir.Write("failing.hocon", Cli.SyntheticConfig(meanMs: 2, failureRate: 0.3));
        var liveDb = dir.File("live.db");

        // the live search starts first and runs (mostly asleep) while the other two are written and analysed
        using var live = ActorNasProcess.Start(dir.Path, Cli.RunArgs(liveDb, "live", budget: 100_000, seed: 4, "--space", "nb201", "--workers", "2", "--config", slow));
        try
        {
            var db = dir.File("searches.db");
            var single = await ActorNasProcess.RunAsync(dir.Path,
                Cli.RunArgs(db, "single", budget: 1, seed: 2, "--space", "nb201", "--population", "1", "--sample", "1", "--workers", "1", "--json"));
            Assert.True(single.ExitCode == 0, single.ToString());
            var (singleSummary, singleReport) = await AnalyzeAsync(dir, db, "single", dir.File("single"));
            Assert.Equal((1, 1, 0, true), (singleSummary.Candidates, singleSummary.Evaluated, singleSummary.Failed, singleSummary.Completed));
            Assert.Contains("No mutation yet", singleReport, StringComparison.Ordinal);
            Assert.Contains("No candidate has been a parent yet.", singleReport, StringComparison.Ordinal);
            var only = Assert.Single(ExportCsv.Read(Path.Combine(dir.File("single"), "candidates.csv"), ExtraColumns));
            Assert.Equal(("evaluated", "0", "0", "", ""), (only.Status, only.Cells["proposal_index"], only.Cells["children"], only.Cells["parent_id"], only.Cells["prefix_length"]));
            Assert.Equal(Int(only, "attempts") * Nb201Length, LayerRequests(Path.Combine(dir.File("single"), "layer-requests.csv")).Count);

            var failed = await ActorNasProcess.RunAsync(dir.Path,
                Cli.RunArgs(db, "failing", budget: 40, seed: 3, "--space", "nb201", "--population", "10", "--sample", "3", "--workers", "2", "--max-attempts", "1", "--config", failing, "--json"));
            Assert.True(failed.ExitCode == 0, failed.ToString());
            var failedRun = failed.Summary();
            Assert.True(failedRun.Failed > 0, failedRun.Json);
            var (failedSummary, _) = await AnalyzeAsync(dir, db, "failing", dir.File("failing"));
            Assert.Equal((40, failedRun.Failed, true), (failedSummary.Evaluated, failedSummary.Failed, failedSummary.Completed));
            var failedRows = ExportCsv.Read(Path.Combine(dir.File("failing"), "candidates.csv"), ExtraColumns);
            Assert.Equal(failedRun.Failed, failedRows.Count(r => r.Status == "failed"));
            Assert.All(failedRows.Where(r => r.Status == "failed"), r => Assert.Null(r.ObjectiveText));

            var status = await Cli.WaitForEvaluatedAsync(dir, liveDb, "live", 3, live, TimeSpan.FromSeconds(40));
            output.WriteLine("live search before the analysis: " + status.Json);
            var (liveSummary, liveReport) = await AnalyzeAsync(dir, liveDb, "live", dir.File("live"));
            Assert.False(live.HasExited, "the live search ended while it was analysed");
            Assert.False(liveSummary.Completed, liveSummary.Json);
            Assert.True(liveSummary.Evaluated >= status.Evaluated, liveSummary.Json);
            Assert.Contains("still running", liveReport, StringComparison.Ordinal);
            var liveRows = ExportCsv.Read(Path.Combine(dir.File("live"), "candidates.csv"), ExtraColumns);
            Assert.Equal(liveSummary.Candidates, liveRows.Count);
            Assert.Equal(liveSummary.Evaluated, liveRows.Count(r => r.IsEvaluated));
        }
        finally
        {
            live.KillHard();
            await live.WaitForExitAsync(TimeSpan.FromSeconds(10));
        }
    }

    // ---- 4 ----

    [Fact]
    public async Task An_unknown_search_id_is_bad_input_that_names_it_and_points_to_list()
    {
        var outDir = Path.Combine(analyzed.Dir.Path, "unknown-" + Guid.NewGuid().ToString("N")[..8]);

        var result = await ActorNasProcess.RunAsync(analyzed.Dir.Path, "analyze", "--db", analyzed.Db, "--search-id", "no-such-search", "--out", outDir);

        var error = AssertCleanError(result, BadInput);
        Assert.Contains("\"no-such-search\"", error, StringComparison.Ordinal);
        Assert.Contains("actornas list", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(outDir), "nothing is written for a search that is not there");

        // the same for a --compare id
        result = await ActorNasProcess.RunAsync(analyzed.Dir.Path,
            "analyze", "--db", analyzed.Db, "--search-id", AnalyzedSearch.SearchId, "--compare", "no-such-other", "--out", outDir);
        error = AssertCleanError(result, BadInput);
        Assert.Contains("\"no-such-other\"", error, StringComparison.Ordinal);
        Assert.Contains("actornas list", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(outDir), "nothing is written when a compared search is not there");
    }

    [Fact]
    public async Task A_missing_database_is_a_store_error_and_is_not_created()
    {
        using var dir = new TempDirectory();
        var db = dir.File("missing.db");
        var outDir = dir.File("out");

        var result = await ActorNasProcess.RunAsync(dir.Path, "analyze", "--db", db, "--search-id", "s", "--out", outDir);

        var error = AssertCleanError(result, StoreError);
        Assert.Contains("missing.db", error, StringComparison.Ordinal);
        Assert.False(File.Exists(db));
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path, "missing.db*"));
        Assert.False(Directory.Exists(outDir));
    }

    [Theory]
    [InlineData("--window", "0")]
    [InlineData("--low-quantile", "1.5")]
    [InlineData("--low-quantile", "0")]
    [InlineData("--thresholds", "abc")]
    [InlineData("--thresholds", "0.5,NaN")]
    [InlineData("--kgram", "0")]
    [InlineData("--refresh", "0")]
    [InlineData("--from-seq", "0")]
    [InlineData("--since", "yesterday")]
    public async Task Bad_flag_values_are_bad_input_that_name_the_flag(string flag, string value)
    {
        var outDir = Path.Combine(analyzed.Dir.Path, "bad-" + Guid.NewGuid().ToString("N")[..8]);

        var result = await ActorNasProcess.RunAsync(analyzed.Dir.Path,
            "analyze", "--db", analyzed.Db, "--search-id", AnalyzedSearch.SearchId, "--out", outDir, flag, value);

        var error = AssertCleanError(result, BadInput);
        Assert.Contains(flag, error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public async Task From_seq_and_since_study_the_later_candidates_and_say_where_to_go_on()
    {
        var whole = analyzed.Summary;
        Assert.Equal(whole.Events, whole.LastSequenceNr);
        // in the order they were proposed (the log's order; a Mutator pool can record id 85 before id 84)
        var wholeIds = ExportCsv.Read(Path.Combine(analyzed.Out, "candidates.csv"), ExtraColumns)
            .OrderBy(r => Long(r, "proposal_index")).Select(r => Long(r, "job_id")).ToList();
        async Task<(AnalysisSummary Summary, string Out)> AnalyzeAsync(params string[] window)
        {
            var outDir = Path.Combine(analyzed.Dir.Path, "window-" + Guid.NewGuid().ToString("N")[..8]);
            var result = await ActorNasProcess.RunAsync(analyzed.Dir.Path,
                ["analyze", "--db", analyzed.Db, "--search-id", AnalyzedSearch.SearchId, "--out", outDir, "--json", .. window]);
            Assert.True(result.ExitCode == 0, result.ToString());
            return (AnalysisSummary.Of(result), outDir);
        }

        // from the middle of the log: the candidates proposed later, every event still read
        var (middle, middleOut) = await AnalyzeAsync("--from-seq", (whole.Events / 2).ToString(CultureInfo.InvariantCulture));
        Assert.Equal(whole.Events, middle.Events);
        Assert.Equal(whole.LastSequenceNr, middle.LastSequenceNr);
        Assert.InRange(middle.Candidates, 1, whole.Candidates - 1);
        Assert.True(middle.Evaluated < whole.Evaluated, middle.Json);
        var ids = ExportCsv.Read(Path.Combine(middleOut, "candidates.csv"), ExtraColumns).Select(r => Long(r, "job_id")).ToList();
        Assert.Equal(wholeIds.TakeLast(ids.Count).Order(), ids.Order());
        var report = File.ReadAllText(Path.Combine(middleOut, "report.md"));
        Assert.Contains($"candidates proposed at event {whole.Events / 2} or later", report, StringComparison.Ordinal);
        Assert.Contains($"--from-seq {whole.LastSequenceNr + 1}", report, StringComparison.Ordinal);
        Assert.DoesNotContain("analysis window", File.ReadAllText(Path.Combine(analyzed.Out, "report.md")), StringComparison.Ordinal);

        // where the last analysis stopped, nothing new: an empty analysis; --since before the start: everything
        var (after, _) = await AnalyzeAsync("--from-seq", (whole.LastSequenceNr + 1).ToString(CultureInfo.InvariantCulture));
        Assert.Equal((0, 0), (after.Candidates, after.Evaluated));
        var (since, _) = await AnalyzeAsync("--since", "2000-01-01T00:00:00Z");
        Assert.Equal((whole.Candidates, whole.Evaluated, whole.Failed), (since.Candidates, since.Evaluated, since.Failed));

        // past the end, or with --follow: bad input that names the flag
        var outDir = Path.Combine(analyzed.Dir.Path, "past-" + Guid.NewGuid().ToString("N")[..8]);
        var past = await ActorNasProcess.RunAsync(analyzed.Dir.Path, "analyze", "--db", analyzed.Db, "--search-id", AnalyzedSearch.SearchId,
            "--out", outDir, "--from-seq", (whole.LastSequenceNr + 2).ToString(CultureInfo.InvariantCulture));
        Assert.Contains("--from-seq", AssertCleanError(past, BadInput), StringComparison.Ordinal);
        Assert.False(Directory.Exists(outDir));
        var follow = await ActorNasProcess.RunAsync(analyzed.Dir.Path, "analyze", "--db", analyzed.Db, "--search-id", AnalyzedSearch.SearchId,
            "--out", outDir, "--since", "2000-01-01T00:00:00Z", "--follow");
        Assert.Contains("--follow", AssertCleanError(follow, BadInput), StringComparison.Ordinal);
    }

    // ---- 5 ----

    [Fact]
    public async Task Compare_sets_a_continuous_and_a_batch_search_side_by_side_and_continuous_keeps_the_workers_busier()
    {
        using var dir = new TempDirectory();
        var db = dir.File("compare.db");
        // the tabular evaluator on the shipped table: simulated durations that follow each cell's FLOPs
        string[] evaluator = ["--evaluator", "tabular"];

        var simulated = new Dictionary<string, double>();
        foreach (var (id, mode) in new[] { ("continuous-w8", "continuous"), ("batch-w8", "batch") })
        {
            var result = await ActorNasProcess.RunAsync(dir.Path,
            [
                "simulate", .. evaluator, "--space", "nb201", "--budget", "300", "--population", "20", "--sample", "5", "--workers", "8",
                "--seed", "5", "--mode", mode, "--db", db, "--search-id", id, "--json",
            ]);
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal(300, result.Summary().Evaluated);
            output.WriteLine(result.StderrLines[0]);
            var match = System.Text.RegularExpressions.Regex.Match(result.Stderr, @"utilisation (\d+\.\d+)");
            Assert.True(match.Success, result.ToString());
            simulated[id] = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        }

        var outDir = dir.File("compare");
        var analyze = await ActorNasProcess.RunAsync(dir.Path,
            "analyze", "--db", db, "--search-id", "continuous-w8", "--compare", "batch-w8", "--out", outDir, "--json");

        Assert.True(analyze.ExitCode == 0, analyze.ToString());
        var summary = AnalysisSummary.Of(analyze);
        Assert.Equal("continuous-w8", summary.SearchId);
        Assert.Contains("compare-running-best.png", summary.Files);
        AssertPng(Path.Combine(outDir, "compare-running-best.png"));
        var report = File.ReadAllText(Path.Combine(outDir, "report.md"));
        AssertReport(report, summary, outDir);
        var side = report.IndexOf("## 6. Side by side", StringComparison.Ordinal);
        Assert.True(side > report.IndexOf("## 5. Cache study", StringComparison.Ordinal), report);
        var section = report[side..];
        output.WriteLine(section);
        Assert.Contains("](compare-running-best.png)", section, StringComparison.Ordinal);
        Assert.Equal(["", "`continuous-w8`", "`batch-w8`"], TableRow(section, ""));
        Assert.Equal(["mode", "continuous", "batch"], TableRow(section, "mode"));
        Assert.Equal(["workers", "8", "8"], TableRow(section, "workers"));
        Assert.Equal(["evaluated", "300", "300"], TableRow(section, "evaluated"));
        var utilisation = TableRow(section, "utilisation").Skip(1).Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToList();
        Assert.True(utilisation[0] > utilisation[1], $"continuous utilisation {utilisation[0]} is not above batch {utilisation[1]}");
        // and they are the utilisations the simulator itself reported
        Assert.Equal(simulated["continuous-w8"], utilisation[0], 0.002);
        Assert.Equal(simulated["batch-w8"], utilisation[1], 0.002);
    }

    // ---- 6 ----

    [Fact]
    public async Task Follow_rewrites_while_the_search_runs_and_ends_by_itself_when_it_completes()
    {
        const int budget = 300;
        using var dir = new TempDirectory();
        var db = dir.File("follow.db");
        var outDir = dir.File("follow");
        var config = dir.Write("synthetic.hocon", Cli.SyntheticConfig(meanMs: 20));
        var clock = Stopwatch.StartNew();

        using var run = ActorNasProcess.Start(dir.Path, Cli.RunArgs(db, "followed", budget, seed: 8, "--space", "nb201", "--workers", "2", "--config", config, "--json"));
        ActorNasProcess? analyze = null;
        try
        {
            // analyze needs the search to exist: until the run has created the database (exit 3) and recorded the
            // search's start (exit 2), it refuses, and is started again
            CliResult? followed = null;
            var tries = 0;
            while (followed is null)
            {
                tries++;
                analyze?.Dispose();
                var (startedAt, runState) = (clock.Elapsed, run.HasExited ? "ended" : "running");
                analyze = ActorNasProcess.Start(dir.Path, "analyze", "--db", db, "--search-id", "followed", "--out", outDir, "--follow", "--refresh", "1", "--json");
                var result = await analyze.ResultAsync(TimeSpan.FromSeconds(120));
                output.WriteLine($"try {tries} at {startedAt.TotalSeconds:F1} s (run {runState}): exit {result.ExitCode} after {result.Elapsed.TotalSeconds:F1} s");
                if (result.ExitCode == 0) followed = result;
                else
                {
                    Assert.True(result.ExitCode is BadInput or StoreError, result.ToString());
                    Assert.True(tries < 30 && clock.Elapsed < TimeSpan.FromSeconds(60), "analyze --follow never found the search\n" + result);
                    await Task.Delay(100);
                }
            }

            // analyze ends once it has read SearchCompleted; the run may still be shutting down
            var runResult = await run.ResultAsync(TimeSpan.FromSeconds(30));
            Assert.True(runResult.ExitCode == 0, runResult.ToString());
            var rewrites = followed.StderrLines.Count(l => l.Contains("outputs rewritten", StringComparison.Ordinal));
            output.WriteLine($"{rewrites} rewrites while following; run took {runResult.Elapsed.TotalSeconds:F1} s, analyze {followed.Elapsed.TotalSeconds:F1} s");

            var summary = AnalysisSummary.Of(followed);
            Assert.True(summary.Completed, summary.Json);
            Assert.Equal(budget, summary.Evaluated);
            var rows = ExportCsv.Read(Path.Combine(outDir, "candidates.csv"), ExtraColumns);
            Assert.Equal(budget, rows.Count(r => r.IsEvaluated));
            Assert.Equal(summary.Candidates, rows.Count);
            var report = File.ReadAllText(Path.Combine(outDir, "report.md"));
            AssertReport(report, summary, outDir);
            Assert.Contains("- status: completed (budget)", report, StringComparison.Ordinal);
            Assert.DoesNotContain("(following)", report, StringComparison.Ordinal); // the last rewrite is the final one
        }
        finally
        {
            analyze?.Dispose();
            run.KillHard();
            await run.WaitForExitAsync(TimeSpan.FromSeconds(10));
        }
    }

    // ---- helpers ----

    /// <summary>`actornas analyze --json` of one search into <paramref name="outDir"/>: exit 0, the files there, a report.</summary>
    private async Task<(AnalysisSummary Summary, string Report)> AnalyzeAsync(TempDirectory dir, string db, string searchId, string outDir)
    {
        var result = await ActorNasProcess.RunAsync(dir.Path, "analyze", "--db", db, "--search-id", searchId, "--out", outDir, "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        var summary = AnalysisSummary.Of(result);
        output.WriteLine($"{searchId}: {result.Elapsed.TotalSeconds:F1} s, {summary.Json}");
        Assert.Equal(searchId, summary.SearchId);
        Assert.Equal(Tables.Concat(Figures).Order(StringComparer.Ordinal), summary.Files.Order(StringComparer.Ordinal));
        var report = File.ReadAllText(Path.Combine(outDir, "report.md"));
        AssertReport(report, summary, outDir);
        return (summary, report);
    }

    /// <summary>The five sections in order, every listed PNG a real one that the report shows.</summary>
    private static void AssertReport(string report, AnalysisSummary summary, string outDir)
    {
        Assert.StartsWith($"# Analysis of search `{summary.SearchId}`", report, StringComparison.Ordinal);
        var at = Sections.Select(s => report.IndexOf("\n" + s + "\n", StringComparison.Ordinal)).ToList();
        Assert.All(at, (i, n) => Assert.True(i >= 0, $"report.md has no \"{Sections[n]}\""));
        Assert.Equal(at.Order(), at);
        var pngs = summary.Files.Where(f => f.EndsWith(".png", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(pngs);
        Assert.All(pngs, png =>
        {
            AssertPng(Path.Combine(outDir, png));
            Assert.Contains($"]({png})", report, StringComparison.Ordinal);
        });
    }

    private static void AssertPng(string path)
    {
        Assert.True(File.Exists(path), path + " is missing");
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length is > 5 * 1024 and < 3 * 1024 * 1024, $"{path} has {bytes.Length} bytes");
        Assert.Equal(PngSignature, bytes.Take(PngSignature.Length));
        Assert.Equal("IHDR", Encoding.ASCII.GetString(bytes, 12, 4));
        var (width, height) = (BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
        Assert.True(width is >= 200 and <= 10_000 && height is >= 200 and <= 10_000, $"{path} is {width} x {height}");
        Assert.Equal("IEND", Encoding.ASCII.GetString(bytes, bytes.Length - 8, 4));
    }

    /// <summary>The cells of the Markdown table row whose first cell is <paramref name="first"/>.</summary>
    private static string[] TableRow(string markdown, string first)
    {
        var line = markdown.Split('\n').Select(l => l.TrimEnd('\r'))
            .FirstOrDefault(l => l.StartsWith('|') && l.Split('|')[1].Trim() == first);
        Assert.True(line is not null, $"no table row \"{first}\" in\n{markdown}");
        return line.Split('|')[1..^1].Select(c => c.Trim()).ToArray();
    }

    private sealed record LayerRequest(int Sequence, double Time, string Worker, long Candidate, string Parent, int Position, string Identity, bool FromParent);

    private static List<LayerRequest> LayerRequests(string path)
    {
        var records = ExportCsv.ReadRecords(path);
        Assert.Equal(["sequence", "time", "worker", "node", "candidate", "parent", "position", "identity", "from_parent"], records[0]);
        return records.Skip(1).Select(r =>
        {
            Assert.Equal(9, r.Count);
            return new LayerRequest(int.Parse(r[0], CultureInfo.InvariantCulture), double.Parse(r[1], CultureInfo.InvariantCulture), r[2],
                long.Parse(r[4], CultureInfo.InvariantCulture), r[5], int.Parse(r[6], CultureInfo.InvariantCulture), r[7], r[8] switch
                {
                    "1" => true,
                    "0" => false,
                    _ => throw new FormatException("from_parent " + r[8]),
                });
        }).ToList();
    }

    /// <summary>
    /// The trace against the candidates: in sequence and time order; per candidate, each of its attempts requests
    /// positions 0..5 with its parent; the layers shared with the parent are the transferable prefix; two layers have
    /// the same identity exactly when the genotypes agree up to that position.
    /// </summary>
    private static void CheckLayerRequests(List<LayerRequest> requests, IReadOnlyList<ExportRow> candidates)
    {
        Assert.Equal(Enumerable.Range(0, requests.Count), requests.Select(r => r.Sequence));
        Assert.All(requests.Zip(requests.Skip(1)), p => Assert.True(p.Item1.Time <= p.Item2.Time, $"request {p.Item2.Sequence} is earlier than the one before"));
        var byId = candidates.ToDictionary(c => c.JobId);
        var identityOf = new Dictionary<string, string>();
        var prefixOf = new Dictionary<string, string>();
        foreach (var group in requests.GroupBy(r => r.Candidate))
        {
            Assert.True(byId.TryGetValue(group.Key, out var candidate), $"layer requests for unknown candidate {group.Key}");
            Assert.Equal(Int(candidate, "attempts") * Nb201Length, group.Count());
            var positions = group.Select(r => r.Position).ToList();
            Assert.All(Enumerable.Range(0, Nb201Length), p => Assert.Equal(Int(candidate, "attempts"), positions.Count(x => x == p)));
            var prefix = candidate.Cells["prefix_length"] is { Length: > 0 } k ? int.Parse(k, CultureInfo.InvariantCulture) : 0;
            var arch = candidate.Cells["arch_seq"].Trim('[', ']').Split(',', StringSplitOptions.TrimEntries);
            Assert.Equal(Nb201Length, arch.Length);
            Assert.All(group, r =>
            {
                Assert.Equal(candidate.Cells["parent_id"], r.Parent);
                Assert.Equal(r.Position < prefix, r.FromParent);
                var genotypePrefix = string.Join(',', arch.Take(r.Position + 1));
                Assert.Equal(identityOf.TryAdd(genotypePrefix, r.Identity) ? r.Identity : identityOf[genotypePrefix], r.Identity);
                Assert.Equal(prefixOf.TryAdd(r.Identity, genotypePrefix) ? genotypePrefix : prefixOf[r.Identity], genotypePrefix);
            });
        }
        Assert.Equal(candidates.Where(c => Int(c, "attempts") > 0).Select(c => c.JobId).Order(), requests.Select(r => r.Candidate).Distinct().Order());
    }

    /// <summary>
    /// The command failed with the expected exit code, stderr holds exactly one line, it starts with "error:", and no
    /// stack trace; returns that line.
    /// </summary>
    private static string AssertCleanError(CliResult result, int expectedCode)
    {
        Assert.True(result.ExitCode == expectedCode, $"expected exit code {expectedCode}\n{result}");
        Assert.DoesNotContain(result.StderrLines, l => l.StartsWith("   at ", StringComparison.Ordinal));
        Assert.DoesNotContain("Exception:", result.Stderr, StringComparison.Ordinal);
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        return line;
    }

    private static int Int(ExportRow row, string column) => int.Parse(row.Cells[column], CultureInfo.InvariantCulture);

    private static long Long(ExportRow row, string column) => long.Parse(row.Cells[column], CultureInfo.InvariantCulture);
}

/// <summary>
/// One finished search with failures and retries (nb201, synthetic, budget 150, P 20, S 5, 3 workers), analysed
/// once with --json and exported once; the tests that read the same outputs share it.
/// </summary>
public sealed class AnalyzedSearch : IAsyncLifetime
{
    public const string SearchId = "evolution";
    public const int Budget = 150;

    internal TempDirectory Dir { get; } = new();

    internal string Db => Dir.File("searches.db");

    internal string Out => Dir.File("analysis");

    internal string ExportFile => Dir.File("export.csv");

    internal SearchSummary Run { get; private set; } = null!;

    internal AnalysisSummary Summary { get; private set; } = null!;

    internal IReadOnlyList<ExportRow> Export { get; private set; } = [];

    public async Task InitializeAsync()
    {
        var config = Dir.Write("synthetic.hocon", Cli.SyntheticConfig(meanMs: 5, failureRate: 0.2));
        var run = await ActorNasProcess.RunAsync(Dir.Path, Cli.RunArgs(Db, SearchId, Budget, seed: 21,
            "--space", "nb201", "--population", "20", "--sample", "5", "--workers", "3", "--max-attempts", "2", "--config", config, "--json"));
        Assert.True(run.ExitCode == 0, run.ToString());
        Run = run.Summary();

        var analyze = await ActorNasProcess.RunAsync(Dir.Path, "analyze", "--db", Db, "--search-id", SearchId, "--out", Out, "--json");
        Assert.True(analyze.ExitCode == 0, analyze.ToString());
        Summary = AnalysisSummary.Of(analyze);

        var export = await ActorNasProcess.RunAsync(Dir.Path, "export", "--db", Db, "--search-id", SearchId, "--format", "csv", "--out", ExportFile);
        Assert.True(export.ExitCode == 0, export.ToString());
        Export = ExportCsv.Read(ExportFile);
    }

    public Task DisposeAsync()
    {
        Dir.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>The --json object of `actornas analyze`.</summary>
internal sealed record AnalysisSummary(string SearchId, int Candidates, int Evaluated, int Failed, bool Completed, long Events, long LastSequenceNr, string Out, List<string> Files)
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true };

    public string Json { get; init; } = "";

    /// <summary>The last stdout line of a finished `actornas analyze --json`.</summary>
    public static AnalysisSummary Of(CliResult result)
    {
        var last = result.StdoutLines.LastOrDefault() ?? throw new InvalidOperationException($"no stdout\n{result}");
        return (JsonSerializer.Deserialize<AnalysisSummary>(last, Options) ?? throw new FormatException("null JSON: " + last)) with { Json = last };
    }
}
