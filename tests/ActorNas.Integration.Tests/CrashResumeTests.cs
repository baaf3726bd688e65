using System.Diagnostics;
using System.Globalization;

namespace ActorNas.Integration.Tests;

/// <summary>
/// kill -9 at random moments, then resume, again and again: the finished search has exactly its budget of
/// evaluations, no candidate twice, and nothing recorded before a crash is lost or changed. Each slot holds a lookahead
/// of 2 beyond the candidate it evaluates, so every kill lands with candidates queued at the slots: each of them is
/// evaluated once after the resume, or cancelled when the budget is reached, never lost.
/// </summary>
public sealed class CrashResumeTests(ITestOutputHelper output)
{
    private const int Budget = 16_000;
    private const int MinKills = 10;
    private const string SearchId = "crash";
    private const int Workers = 8;
    private const int Lookahead = 2;

    /// <summary>Set to the seed a failed run printed to replay its kill times.</summary>
    private const string SeedVariable = "ACTORNAS_IT_CRASH_SEED";

    [Fact]
    public async Task Search_killed_at_random_moments_and_resumed_ends_with_exactly_its_budget()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable(SeedVariable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var given)
            ? given : Random.Shared.Next();
        output.WriteLine($"kill-time seed {seed} (replay with {SeedVariable}={seed})");
        var random = new Random(seed);

        using var dir = new TempDirectory();
        var db = dir.File("crash.db");
        var config = dir.Write("synthetic.hocon", Cli.SyntheticConfig(meanMs: 3, sigma: 0.5) + $"actornas.evaluator.lookahead = {Lookahead}\n");
        var runArgs = Cli.RunArgs(db, SearchId, Budget, seed: 20240611,
            "--space", "nb201", "--population", "50", "--sample", "10", "--workers", $"{Workers}", "--mode", "continuous", "--config", config, "--json");
        string[] resumeArgs = ["resume", "--db", db, "--search-id", SearchId, "--json"];

        var clock = Stopwatch.StartNew();
        var recorded = new Dictionary<long, string>(); // every evaluated (job_id, objective) seen in an export after a kill
        var kills = 0;
        var searchExists = false;
        var evaluatedBefore = 0;
        var pendingAtKills = new HashSet<long>();   // candidates handed out (running or queued at a slot) when a kill landed
        var mostPendingAtAKill = 0;
        var startupMs = 0;   // grows while kills land before the process has recorded the search or evaluated anything (a loaded machine starts slowly)
        SearchSummary? final = null;

        for (var segment = 1; final is null; segment++)
        {
            Assert.True(segment <= 60, $"still not completed after {segment - 1} segments");
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), $"still not completed after {clock.Elapsed.TotalSeconds:F0} s and {kills} kills");

            var command = searchExists ? "resume" : "run";
            // at most 1.5 s of searching per segment: even a slow machine (evaluations/s fall less than start-up grows) lands
            // its kills before the budget is spent
            int? killAfterMs = kills < MinKills ? startupMs + random.Next(300, 1501) : null;
            using var process = ActorNasProcess.Start(dir.Path, searchExists ? resumeArgs : runArgs);
            var killSent = killAfterMs is { } delay && !await process.WaitForExitAsync(TimeSpan.FromMilliseconds(delay));
            if (killSent) process.KillHard();
            var result = await process.ResultAsync(TimeSpan.FromSeconds(150));

            // a kill is counted below, once the search exists: a kill before it was recorded tests nothing of the search
            var killed = killSent && result.ExitCode == ActorNasProcess.KilledExitCode;
            if (!killed)
            {
                // it ended on its own (maybe just before the kill): that must be the completed search
                Assert.True(result.ExitCode == 0, $"segment {segment} ({command}) ended by itself with a failure\n{result}");
                var summary = result.Summary();
                Assert.True(summary.Completed, $"segment {segment} ({command}) exited 0 but not completed\n{result}");
                final = summary;
            }

            if (!searchExists)
            {
                // killed early enough, the process has not even created the database
                searchExists = File.Exists(db) && (await Cli.ListAsync(dir, db)).Contains(SearchId);
                if (!searchExists)
                {
                    Assert.NotNull(killAfterMs); // a run that ends by itself has recorded its search
                    startupMs += 1000;
                    output.WriteLine($"segment {segment,2} {command,-6} killed after {killAfterMs} ms, before the search was recorded: run again");
                    continue;
                }
                // what it took the first run to record the search says nothing of how fast a resume starts: kept, it made
                // every later segment seconds longer, and a fresh-clone CI run spent the budget in 7 kills of 3.4 to 4.2 s
                startupMs = 0;
            }

            if (killed) kills++;

            var status = await Cli.StatusAsync(dir, db, SearchId);
            var rows = await ExportCsv.ExportAsync(dir, db, SearchId);
            CheckConsistent(rows, status, recorded, $"after segment {segment}");
            foreach (var row in rows.Where(r => r.IsEvaluated)) recorded[row.JobId] = row.ObjectiveText!;
            if (final is null)
            {
                var pending = rows.Where(r => r.Status == "pending").Select(r => r.JobId).ToList();
                pendingAtKills.UnionWith(pending);
                mostPendingAtAKill = Math.Max(mostPendingAtAKill, pending.Count);
            }

            var how = final is null ? $"killed after {killAfterMs,4} ms" : killAfterMs is null ? "ran to the end     " : $"ended before the kill at {killAfterMs} ms";
            output.WriteLine($"segment {segment,2} {command,-6} {how}: +{status.Evaluated - evaluatedBefore,5} evaluations " +
                $"(total {status.Evaluated,5}/{Budget}, {result.Elapsed.TotalSeconds:F1} s)");
            // a process killed before it evaluated anything: start-up (recovery, on a busy machine) takes longer than thought
            if (killed && status.Evaluated == evaluatedBefore) startupMs += 1000;
            evaluatedBefore = status.Evaluated;
        }

        var finalStatus = await Cli.StatusAsync(dir, db, SearchId);
        var finalRows = await ExportCsv.ExportAsync(dir, db, SearchId);
        output.WriteLine($"{kills} kills; {finalStatus.Evaluated} evaluated, {finalRows.Count} candidates in the export; {clock.Elapsed.TotalSeconds:F0} s in all");

        Assert.True(finalStatus.Completed, finalStatus.Json);
        Assert.Equal("budget", finalStatus.CompletionReason);
        Assert.Equal(Budget, finalStatus.Evaluated);
        Assert.Equal(0, finalStatus.Failed);
        Assert.Equal(final.Evaluated, finalStatus.Evaluated);
        Assert.Equal(final.Best?.Objective, finalStatus.Best?.Objective);
        CheckConsistent(finalRows, finalStatus, recorded, "at the end");
        // every candidate handed out again after a crash keeps its id: with no failures, the export holds exactly the
        // budget evaluated, and the lookahead still queued at the slots when the budget was reached, cancelled
        Assert.Equal(Budget, finalRows.Count(r => r.IsEvaluated));
        Assert.All(finalRows, r => Assert.Contains(r.Status, new[] { "evaluated", "cancelled" }));
        Assert.True(finalRows.Count(r => r.Status == "cancelled") <= Workers * (1 + Lookahead),
            $"more cancelled than the slots can hold: {finalRows.Count(r => r.Status == "cancelled")}");
        // what was running or queued when a process died was evaluated later (or cancelled at the budget): nothing lost
        var finalById = finalRows.ToDictionary(r => r.JobId);
        Assert.All(pendingAtKills, id => Assert.Contains(finalById[id].Status, new[] { "evaluated", "cancelled" }));
        Assert.True(mostPendingAtAKill > Workers, $"no kill landed with candidates queued at the slots (at most {mostPendingAtAKill} pending)");
        Assert.True(kills >= MinKills, $"only {kills} kills landed before the search completed; raise {nameof(Budget)}");
    }

    /// <summary>What must hold between a status and an export taken at the same moment, and against earlier exports.</summary>
    private static void CheckConsistent(IReadOnlyList<ExportRow> rows, SearchSummary status, Dictionary<long, string> recorded, string when)
    {
        var duplicates = rows.GroupBy(r => r.JobId).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, $"{when}: job ids exported more than once: {string.Join(", ", duplicates.Take(20))}");
        Assert.All(rows, r => Assert.Contains(r.Status, new[] { "evaluated", "failed", "pending", "cancelled" }));

        var evaluated = rows.Where(r => r.IsEvaluated).ToList();
        Assert.True(evaluated.Count == status.Evaluated, $"{when}: the export has {evaluated.Count} evaluated rows, status says {status.Evaluated}");
        Assert.All(evaluated, r => Assert.NotNull(r.ObjectiveText));
        if (evaluated.Count > 0)
        {
            Assert.NotNull(status.Best);
            Assert.Equal(evaluated.Max(r => r.Objective!.Value), status.Best.Objective);
            var bestRow = Assert.Single(rows, r => r.JobId == status.Best.Id);
            Assert.Equal(status.Best.Objective, bestRow.Objective);
        }

        var byId = rows.ToDictionary(r => r.JobId);
        var lost = recorded.Where(p => !byId.TryGetValue(p.Key, out var row) || !row.IsEvaluated).Select(p => p.Key).ToList();
        Assert.True(lost.Count == 0, $"{when}: {lost.Count} evaluations recorded earlier are gone or no longer evaluated, e.g. {string.Join(", ", lost.Take(20))}");
        var changed = recorded.Where(p => byId[p.Key].ObjectiveText != p.Value).Select(p => $"{p.Key}: {p.Value} -> {byId[p.Key].ObjectiveText}").ToList();
        Assert.True(changed.Count == 0, $"{when}: objectives changed since an earlier export: {string.Join("; ", changed.Take(20))}");
    }
}
