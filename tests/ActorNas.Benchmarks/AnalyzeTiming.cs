using System.Diagnostics;
using System.Globalization;

namespace ActorNas.Benchmarks;

/// <summary>
/// `actornas analyze` on a finished log as a real process, as a user runs it: its seconds (process start included) and
/// its peak resident memory, the kernel's high-water mark (VmHWM of /proc/PID/status) read every 50 ms until the
/// process ends, so a short peak between two reads still counts (only the last 50 ms can escape).
/// </summary>
internal static class AnalyzeTiming
{
    public sealed record Result(double Seconds, double PeakMb, long Candidates, long LastSequenceNr);

    /// <param name="window">Further flags (say, --from-seq N).</param>
    public static async Task<Result> MeasureAsync(FaultLog log, string outDir, params string[] window)
    {
        var clock = Stopwatch.StartNew();
        using var run = CliRun.Start(log.WorkDir, ["analyze", "--search-id", log.SearchId, "--out", outDir, "--json", .. log.Where, .. window]);
        var peak = 0.0;
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(60);
        while (!run.HasExited && DateTime.UtcNow < deadline)
        {
            peak = Math.Max(peak, PeakResidentMb(run.Pid));
            await Task.Delay(50);
        }
        await run.WaitAsync(TimeSpan.FromSeconds(30));
        var seconds = clock.Elapsed.TotalSeconds;
        if (run.ExitCode != 0) throw new BenchmarkFailedException($"`actornas analyze` failed: {run}");
        return new Result(seconds, peak, run.SummaryNumber("candidates") ?? throw new BenchmarkFailedException($"analyze printed no candidates: {run}"),
            run.SummaryNumber("lastSequenceNr") ?? throw new BenchmarkFailedException($"analyze printed no lastSequenceNr: {run}"));
    }

    /// <summary>VmHWM of a process in MB; 0 when it has just ended.</summary>
    private static double PeakResidentMb(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
        }
        catch (IOException)
        {
            // the process ended between the check and the read
        }
        catch (UnauthorizedAccessException)
        {
        }
        return 0;
    }
}
