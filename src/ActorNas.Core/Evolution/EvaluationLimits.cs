namespace ActorNas.Core.Evolution;

/// <summary>
/// When an evaluation has run too long, judged from the durations of the search's recent evaluations: the limit of
/// `timeout = auto` and the threshold of the "still running" warning.
/// </summary>
public static class EvaluationLimits
{
    /// <summary>Results needed before the durations say anything (before that, auto sets no limit and nothing warns).</summary>
    public const int MinimumResults = 10;

    /// <summary>auto = this many times the 95th percentile of recent durations (each slot then applies its floor,
    /// actornas.evaluator.auto-timeout-floor: a slow first epoch, a busy machine, a cold start).</summary>
    public const double AutoFactor = 10;

    /// <summary>A running candidate older than this many times the median duration is reported ...</summary>
    public const double WarnFactor = 10;

    /// <summary>... once it has run at least this long (a 10 ms evaluation is not worth a warning at 100 ms).</summary>
    public static readonly TimeSpan WarnFloor = TimeSpan.FromSeconds(30);

    /// <summary>The time limit of `timeout = auto` before the slot's floor: 10 x p95 of recent durations; null while too few results.</summary>
    public static TimeSpan? AutoTimeout(DurationWindow durations) =>
        durations.Count < MinimumResults || durations.Quantile(0.95) is not { } p95 ? null : TimeSpan.FromSeconds(AutoFactor * p95);

    /// <summary>The limit a slot applies: <paramref name="auto"/>, never below <paramref name="floor"/>; none while auto is unknown.</summary>
    public static TimeSpan? WithFloor(TimeSpan? auto, TimeSpan floor) => auto is { } a ? Max(a, floor) : null;

    /// <summary>How long a candidate may run before it is reported as overdue; null while too few results.</summary>
    public static TimeSpan? WarnAfter(DurationWindow durations) =>
        durations.Count < MinimumResults || durations.Quantile(0.5) is not { } median ? null
            : Max(TimeSpan.FromSeconds(WarnFactor * median), WarnFloor);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
