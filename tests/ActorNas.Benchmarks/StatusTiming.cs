using System.Diagnostics;

namespace ActorNas.Benchmarks;

/// <summary>
/// Seconds that `actornas status` and `actornas list` take on a finished log, each a real process as a user runs it
/// (process start and plugin start included): what watching a long search costs per look.
/// </summary>
internal static class StatusTiming
{
    /// <summary>The median of <paramref name="runs"/> runs of status (which must report <paramref name="budget"/> evaluated) and of list.</summary>
    public static async Task<(double StatusSeconds, double ListSeconds)> MeasureAsync(FaultLog log, int budget, int runs = 3)
    {
        var status = new List<double>();
        var list = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            status.Add(await TimeAsync(log.WorkDir, run =>
            {
                if (run.SummaryNumber("evaluated") != budget)
                    throw new BenchmarkFailedException($"status did not report {budget} evaluated: {run}");
            }, ["status", "--search-id", log.SearchId, "--json", .. log.Where]));
            list.Add(await TimeAsync(log.WorkDir, run =>
            {
                if (!run.Stdout.Contains(log.SearchId, StringComparison.Ordinal))
                    throw new BenchmarkFailedException($"list did not show search {log.SearchId}: {run}");
            }, ["list", .. log.Where]));
        }
        return (Median(status), Median(list));
    }

    private static async Task<double> TimeAsync(string workDir, Action<CliRun> check, string[] args)
    {
        var clock = Stopwatch.StartNew();
        using var run = await CliRun.RunAsync(workDir, TimeSpan.FromMinutes(10), args);
        var seconds = clock.Elapsed.TotalSeconds;
        if (run.ExitCode != 0) throw new BenchmarkFailedException($"`actornas {string.Join(' ', args)}` failed: {run}");
        check(run);
        return seconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
