using System.Diagnostics;
using System.Globalization;

namespace ActorNas.Integration.Tests;

/// <summary>
/// `actornas run --evaluator command` with small bash scripts: results recorded exactly, failures retried and given
/// up, the script's output in the log file, and no process of a candidate outliving a search killed with kill -9 or
/// interrupted; resume then completes the exact budget.
/// </summary>
public sealed class CommandEvaluatorCliTests(ITestOutputHelper output)
{
    /// <summary>
    /// The objective is the sum of the positions / 30 (written to results.txt as printed); every candidate whose id is a
    /// multiple of 3 fails its first attempt; candidate 4 fails every attempt. With hang.flag present, every candidate
    /// starts a marked child and hangs.
    /// </summary>
    private static string Script(TempDirectory dir, string marker) => $$$"""
        #!/bin/bash
        if [ -e '{{{dir.File("hang.flag")}}}' ]; then
          sleep {{{marker}}} &
          touch '{{{dir.File("started")}}}'
          while true; do sleep 0.2; done
        fi
        echo "training candidate $ACTORNAS_CANDIDATE_ID attempt $ACTORNAS_ATTEMPT"
        if [ "$ACTORNAS_CANDIDATE_ID" = 4 ]; then echo "broken candidate $ACTORNAS_CANDIDATE_ID" >&2; exit 2; fi
        if [ $((ACTORNAS_CANDIDATE_ID % 3)) = 0 ] && [ "$ACTORNAS_ATTEMPT" = 1 ]; then echo "flaky first attempt" >&2; exit 1; fi
        sum=$(echo "$ACTORNAS_POSITIONS" | awk -F, '{ s = 0; for (i = 1; i <= NF; i++) s += $i; print s }')
        objective=$(awk -v s="$sum" 'BEGIN { printf "%.17g", s / 30 }')
        echo "$ACTORNAS_CANDIDATE_ID $objective" >> '{{{dir.File("results.txt")}}}'
        echo "{\"objective\": $objective, \"metrics\": {\"positionsSum\": $sum}}"
        """;

    private static string Config(TempDirectory dir, string marker) =>
        dir.Write("command.hocon", $$"""
            actornas.evaluator.command {
              command = ["bash", "{{dir.Write("train.sh", Script(dir, marker))}}"]
              kill-grace = 2s
            }
            """);

    private static string Marker() => "1000." + Random.Shared.NextInt64(100_000_000_000, 999_999_999_999).ToString(CultureInfo.InvariantCulture);

    private static string[] RunArgs(string db, string config, int budget) =>
    [
        "run", "--evaluator", "command", "--space", "nb201", "--budget", budget.ToString(CultureInfo.InvariantCulture), "--population", "5",
        "--sample", "2", "--workers", "2", "--seed", "11", "--max-attempts", "2", "--db", db, "--search-id", "cmd", "--config", config, "--json",
    ];

    [Fact]
    public async Task Results_are_recorded_exactly_and_failures_are_retried_then_given_up_with_their_stderr()
    {
        using var dir = new TempDirectory();
        var db = dir.File("search.db");
        var result = await ActorNasProcess.RunAsync(dir.Path, TimeSpan.FromSeconds(180), RunArgs(db, Config(dir, Marker()), budget: 12));
        output.WriteLine(result.ToString());
        Assert.True(result.ExitCode == 0, result.ToString());
        var summary = result.Summary();
        Assert.Equal(12, summary.Evaluated);
        Assert.Equal(1, summary.Failed);   // candidate 4, given up after its two attempts

        var printed = File.ReadAllLines(dir.File("results.txt")).Select(l => l.Split(' ')).ToDictionary(p => long.Parse(p[0], CultureInfo.InvariantCulture), p => p[1]);
        var rows = await ExportCsv.ExportAsync(dir, db, "cmd");
        var evaluated = rows.Where(r => r.IsEvaluated).ToList();
        Assert.Equal(12, evaluated.Count);
        Assert.All(evaluated, r => Assert.Equal(double.Parse(printed[r.JobId], CultureInfo.InvariantCulture), r.Objective));
        Assert.All(evaluated, r => Assert.Equal(Math.Round(r.Objective!.Value * 30), double.Parse(r.Cells["metric:positionsSum"], CultureInfo.InvariantCulture)));
        var broken = Assert.Single(rows, r => r.JobId == 4);
        Assert.Equal("failed", broken.Status);
        Assert.Equal("2", broken.Cells["attempts"]);
        Assert.All(evaluated.Where(r => r.JobId % 3 == 0), r => Assert.Equal("2", r.Cells["attempts"]));

        // the script's own lines are in the log file, tagged with the candidate; failures quote stderr
        var log = File.ReadAllText(dir.File("actornas.log"));
        Assert.Contains("candidate 1 attempt 1 stdout: training candidate 1 attempt 1", log, StringComparison.Ordinal);
        Assert.Contains("candidate 4 attempt 2 stderr: broken candidate 4", log, StringComparison.Ordinal);
        Assert.Contains("exited with code 2; last stderr lines: broken candidate 4", log, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(dir.File("search-checkpoints"), "cmd", "1")), "no checkpoint folder beside the database");
    }

    [Fact]
    public async Task Kill_9_of_the_search_leaves_no_candidate_process_and_resume_completes_the_exact_budget()
    {
        using var dir = new TempDirectory();
        var db = dir.File("search.db");
        var marker = Marker();
        var config = Config(dir, marker);
        dir.Write("hang.flag", "");
        using (var run = ActorNasProcess.Start(dir.Path, RunArgs(db, config, budget: 8)))
        {
            await WaitForFileAsync(dir.File("started"), run);
            await WaitForProcessesAsync(marker);
            Process.GetProcessById(run.Id).Kill(entireProcessTree: false);   // kill -9 of the search process alone
            Assert.True(await run.WaitForExitAsync(TimeSpan.FromSeconds(30)), "the search did not die");
        }
        await WaitUntilGoneAsync(marker);

        File.Delete(dir.File("hang.flag"));
        var resumed = await ActorNasProcess.RunAsync(dir.Path, TimeSpan.FromSeconds(180), "resume", "--db", db, "--search-id", "cmd", "--json");
        output.WriteLine(resumed.ToString());
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(8, resumed.Summary().Evaluated);
        var rows = await ExportCsv.ExportAsync(dir, db, "cmd");
        Assert.Equal(8, rows.Count(r => r.IsEvaluated));
        Assert.Equal(rows.Count, rows.Select(r => r.JobId).Distinct().Count());
    }

    [Fact]
    public async Task An_interrupted_search_leaves_no_candidate_process()
    {
        using var dir = new TempDirectory();
        var db = dir.File("search.db");
        var marker = Marker();
        var config = Config(dir, marker);
        dir.Write("hang.flag", "");
        using var run = ActorNasProcess.Start(dir.Path, RunArgs(db, config, budget: 8));
        await WaitForFileAsync(dir.File("started"), run);
        await WaitForProcessesAsync(marker);
        using (var kill = Process.Start("kill", ["-TERM", run.Id.ToString(CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        var result = await run.ResultAsync(TimeSpan.FromSeconds(60));
        output.WriteLine(result.ToString());
        Assert.True(result.ExitCode == 130, result.ToString());
        await WaitUntilGoneAsync(marker);
    }

    private static async Task WaitForFileAsync(string path, ActorNasProcess run)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!File.Exists(path))
        {
            if (run.HasExited) Assert.Fail("the search ended before a candidate started\n" + await run.ResultAsync(TimeSpan.FromSeconds(10)));
            Assert.True(DateTime.UtcNow < deadline, $"{path} did not appear within 90 s");
            await Task.Delay(100);
        }
    }

    /// <summary>Waits for the script's marked child: the fork can run `touch started` before it has become
    /// `sleep MARKER` (a loaded CI run of the same check in ActorNas.Actors.Tests saw none).</summary>
    private static async Task WaitForProcessesAsync(string marker)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (ProcessesWith(marker).Count == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the script's marked child did not show up within 30 s");
            await Task.Delay(50);
        }
    }

    /// <summary>Waits (generously: the wrapper's kill grace, on busy cores) for every marked process to be gone.</summary>
    private static async Task WaitUntilGoneAsync(string marker)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (ProcessesWith(marker) is { Count: > 0 } left)
        {
            Assert.True(DateTime.UtcNow < deadline, $"processes of the candidates outlived the search: {string.Join(", ", left)}");
            await Task.Delay(200);
        }
    }

    private static List<int> ProcessesWith(string marker)
    {
        var found = new List<int>();
        foreach (var proc in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(proc), out var pid)) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(proc, "cmdline")).Contains(marker, StringComparison.Ordinal)) found.Add(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // it ended while we looked
            }
        }
        return found;
    }
}
