using System.Globalization;
using System.Text.RegularExpressions;

namespace ActorNas.Benchmarks;

/// <summary>
/// A long search of zero-duration evaluations on SQLite, killed with kill -9 every 30 s and resumed until its budget
/// is done: resident memory at every 100,000 evaluations (flat if the Population's state does not grow with the log),
/// each recovery's seconds (the Population's replay from its newest snapshot, read from the log file), and whether the
/// finished log holds exactly the budget; then how long `status` and `list` take on the finished log, and how long
/// `analyze` takes with its peak resident memory, over every candidate and over the later half of them (--from-seq:
/// the same events read, half the candidates recorded), whose difference gives the memory per candidate.
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
                // the first segment must have created the search before it may be killed (a slow start on a loaded machine)
                if (segment == 1 && LastProgress(run.Stderr) is null) killAt = DateTime.UtcNow + killEvery;
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
        var analysis = await AnalyzeTiming.MeasureAsync(log, scratch.File("analysis"));
        var half = await AnalyzeTiming.MeasureAsync(log, scratch.File("analysis-half"),
            "--from-seq", (analysis.LastSequenceNr / 2 + 1).ToString(CultureInfo.InvariantCulture));
        var kbPerCandidate = analysis.Candidates > half.Candidates
            ? (analysis.PeakMb - half.PeakMb) * 1024 / (analysis.Candidates - half.Candidates) : double.NaN;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  analyze: {analysis.Seconds:F1} s, peak resident {analysis.PeakMb:F0} MB ({analysis.Candidates:N0} candidates); " +
            $"from event {analysis.LastSequenceNr / 2 + 1:N0}: {half.Seconds:F1} s, {half.PeakMb:F0} MB ({half.Candidates:N0} candidates); " +
            $"{kbPerCandidate:F2} KB per candidate"));
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
            .Add("listSeconds", listSeconds, 2)
            .Add("analyzeSeconds", analysis.Seconds, 1)
            .Add("analyzePeakMb", analysis.PeakMb, 0)
            .Add("analyzeKbPerCandidate", kbPerCandidate, 2, "the later half holds no fewer candidates");
        if (budget == 1_000_000)
            json.Add("statusSeconds1M", statusSeconds, 2).Add("analyzeSeconds1M", analysis.Seconds, 1).Add("analyzePeakMb1M", analysis.PeakMb, 0);
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
