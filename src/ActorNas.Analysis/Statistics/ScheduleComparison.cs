namespace ActorNas.Analysis;

/// <summary>Section 6: one search's scheduling figures, to set beside another's (batch against continuous).</summary>
public sealed record ScheduleSummary(
    string SearchId, string Mode, int Workers, int Evaluated, double Span, double Utilization, double? FinalBest,
    IReadOnlyList<ThresholdHit> TimeToThresholds, IReadOnlyList<SeriesPoint> RunningBest)
{
    public static ScheduleSummary Of(string searchId, LogFold fold, WorkerActivity activity, IReadOnlyList<double> thresholds)
    {
        var quality = QualityOverTime.Compute(fold.Evaluations, [], 0.25, thresholds, 1);
        return new ScheduleSummary(searchId, fold.Started!.Config.Mode.ToString().ToLowerInvariant(), activity.Workers.Count,
            fold.Evaluations.Count, activity.Span, activity.Utilization,
            fold.Evaluations.Count == 0 ? null : fold.Evaluations.Max(e => e.Objective), quality.Thresholds, quality.RunningBest);
    }
}
