using System.Globalization;
using System.Text.RegularExpressions;

namespace ActorNas.Benchmarks;

/// <summary>
/// A long search of zero-duration evaluations on SQLite, killed with kill -9 every 30 s and resumed until its budget
/// is done: resident memory at every 100,000 evaluations (flat if the Population's state does not grow with the log),
/// each recovery's seconds (the Population's replay from its newest snapshot, read from the log file), and whether the
/// finished log holds exactly the budget; then how long `status` and `list` take on the finished log.
/// </summary>
internal static partial class LongBenchmark
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        var budget = options.Budget ?? (options.Quick ? 20_000 : 1_000_000);
        var killEvery = TimeSpan.FromSeconds(options.Quick ? 5 : 30);
        var memoryEvery = options.Quick ? 5_000 : 100_000;
        using var scratch = new ScratchDirectory();
        var db = scratch.File("long.db");
        var logFile = scratch.File("long.log");
        var config = scratch.File("long.hocon");
        File.WriteAllText(config, "actornas.evaluator.synthetic.duration = zero\nactornas.progress.interval = 500ms\n");
        var log = new FaultLog(scratch.Path, "long", ["--db", db]);
        Console.WriteLine($"long: {budget:N0} zero-duration evaluations, 4 slots, kill -9 every {killEvery.TotalSeconds:F0} s; " +
                          $"resident memory every {memoryEvery:N0}");

        var memory = new List<(long Evaluated, double Mb)>();
        var recoveries = new List<double>();
        var nextSample = (long)memoryEvery;
        var kills = 0;
        for (var segment = 1; ; segment++)
        {
            if (segment > 500) throw new BenchmarkFailedException("not done after 500 segments");
            var args = segment == 1 ? log.Run(budget, 1, "--config", config, "--log-file", logFile) : log.Resume("--log-file", logFile);
            using var run = CliRun.Start(scratch.Path, args);
            var killAt = DateTime.UtcNow + killEvery;
            while (!run.HasExited && DateTime.UtcNow < killAt)
            {
                await Task.Delay(100);
                if (LastProgress(run.Stderr) is { } evaluated && evaluated >= nextSample && !run.HasExited)
                {
                    var mb = run.ResidentMb();
                    memory.Add((evaluated, mb));
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {evaluated,9:N0} evaluated: {mb:F0} MB resident"));
                    while (nextSample <= evaluated) nextSample += memoryEvery;
                }
            }
            if (!run.HasExited)
            {
                run.Kill();
                kills++;
                continue;
            }
            await run.WaitAsync(TimeSpan.FromSeconds(10));
            if (run.ExitCode != 0) throw new BenchmarkFailedException($"segment {segment} failed: {run}");
            break;
        }

        recoveries.AddRange(RecoverySeconds(logFile));
        foreach (var (r, i) in recoveries.Select((r, i) => (r, i)))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  recovery {i + 1,3}: {r:F2} s"));
        var (exact, _, duplicates) = await log.CheckAsync(budget, []);
        var timings = options.Quick ? 1 : 3;
        var (statusSeconds, listSeconds) = await StatusTiming.MeasureAsync(log, budget, timings);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  status: {statusSeconds:F2} s, list: {listSeconds:F2} s (median of {timings}, process start included)"));
        var first = memory.Count > 0 ? memory[0].Mb : double.NaN;
        var json = new BenchJson()
            .Add("budget", budget, 0)
            .Add("kills", kills, 0)
            .Add("budgetExact", exact ? 1 : 0, 0)
            .Add("duplicateCandidates", duplicates, 0)
            .Add("residentMbFirst", first, 0, "no memory sample: the search ended before the first")
            .Add("residentMbMax", memory.Count > 0 ? memory.Max(m => m.Mb) : double.NaN, 0, "no memory sample")
            .Add("residentGrowth", memory.Count > 0 ? memory.Max(m => m.Mb) / first - 1 : double.NaN, 3, "no memory sample")
            .Add("recoveries", recoveries.Count, 0)
            .Add("recoverySecondsMax", recoveries.Count > 0 ? recoveries.Max() : double.NaN, 2, "no resume happened")
            .Add("recoverySecondsLast", recoveries.Count > 0 ? recoveries[^1] : double.NaN, 2, "no resume happened")
            .Add("statusSeconds", statusSeconds, 2)
            .Add("listSeconds", listSeconds, 2);
        Console.WriteLine(json);
        return exact ? 0 : 1;
    }

    /// <summary>The evaluated count of the last progress line ("evaluated N/B") on stderr.</summary>
    private static long? LastProgress(string stderr)
    {
        var matches = ProgressPattern().Matches(stderr);
        return matches.Count == 0 ? null : long.Parse(matches[^1].Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>Per resume: seconds from "resuming search" to "search ... recovered" in the log file (the same clock).</summary>
    private static IEnumerable<double> RecoverySeconds(string logFile)
    {
        DateTime? resuming = null;
        foreach (var line in File.ReadLines(logFile))
        {
            if (line.Length < 24 || !DateTime.TryParseExact(line[..24], "yyyy-MM-dd HH:mm:ss.ffff", CultureInfo.InvariantCulture,
                    DateTimeStyles.None, out var at)) continue;
            if (line.Contains(" resuming search ", StringComparison.Ordinal)) resuming = at;
            else if (resuming is { } start && line.Contains(" recovered: ", StringComparison.Ordinal))
            {
                yield return (at - start).TotalSeconds;
                resuming = null;
            }
        }
    }

    [GeneratedRegex(@"evaluated (\d+)/\d+")]
    private static partial Regex ProgressPattern();
}
