namespace ActorNas.Analysis;

/// <summary>One worker over the search. Utilisation is busy time over the search's span (first start to last end).</summary>
public sealed record WorkerSummary(
    string Worker, string Node, int Tasks, double Busy, double Utilization, double IdleGapTotal, int IdleGaps,
    double FirstTaskDuration, double MeanLaterTaskDuration);

/// <summary>
/// Section 4: the distributed view. Every attempt on every worker (the timeline), utilisation per worker and overall,
/// idle gaps between a worker's consecutive tasks, task durations overall and over the last window of tasks, and each
/// worker's first task against its later ones (warm-up).
/// </summary>
public sealed record WorkerActivity(
    IReadOnlyList<WorkerTask> Timeline,
    double SpanStart,
    double SpanEnd,
    double Utilization,
    IReadOnlyList<WorkerSummary> Workers,
    IReadOnlyList<double> IdleGaps,
    IReadOnlyList<double> Durations,
    IReadOnlyList<double> LastWindowDurations,
    double MeanFirstTaskDuration,
    double MeanLaterTaskDuration)
{
    public double Span => SpanEnd - SpanStart;

    public static WorkerActivity Compute(IReadOnlyList<WorkerTask> tasks, int window)
    {
        if (tasks.Count == 0) return new WorkerActivity([], 0, 0, double.NaN, [], [], [], [], double.NaN, double.NaN);
        var start = tasks.Min(t => t.Start);
        var end = tasks.Max(t => t.End);
        var span = end - start;
        var gaps = new List<double>();
        var summaries = new List<WorkerSummary>();
        var firsts = new List<double>();
        var laters = new List<double>();
        foreach (var worker in tasks.GroupBy(t => t.Worker).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var ordered = worker.OrderBy(t => t.Start).ThenBy(t => t.End).ToList();
            var busy = ordered.Sum(t => t.Duration);
            var workerGaps = ordered.Zip(ordered.Skip(1), (a, b) => b.Start - a.End).Where(g => g > 0).ToList();
            gaps.AddRange(workerGaps);
            firsts.Add(ordered[0].Duration);
            laters.AddRange(ordered.Skip(1).Select(t => t.Duration));
            summaries.Add(new WorkerSummary(worker.Key, ordered[0].Node, ordered.Count, busy, span > 0 ? busy / span : double.NaN,
                workerGaps.Sum(), workerGaps.Count, ordered[0].Duration,
                ordered.Count > 1 ? ordered.Skip(1).Average(t => t.Duration) : double.NaN));
        }
        var durations = tasks.Select(t => t.Duration).ToList();
        var lastWindow = tasks.OrderBy(t => t.End).TakeLast(window).Select(t => t.Duration).ToList();
        var overall = span > 0 ? durations.Sum() / (summaries.Count * span) : double.NaN;
        return new WorkerActivity(tasks.OrderBy(t => t.Start).ToList(), start, end, overall, summaries, gaps, durations, lastWindow,
            firsts.Average(), laters.Count > 0 ? laters.Average() : double.NaN);
    }
}
