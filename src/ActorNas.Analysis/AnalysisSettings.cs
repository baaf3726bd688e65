namespace ActorNas.Analysis;

/// <summary>The knobs of the study (flags of `actornas analyze`).</summary>
/// <param name="Window">W: proposals in the donor-popularity window, and tasks in the recent-duration window.</param>
/// <param name="LowQuantile">A result below this quantile of all results counts as low quality.</param>
/// <param name="Thresholds">Objective levels to time; null: the 0.5, 0.9, 0.99 quantiles and the maximum.</param>
/// <param name="KGram">Longest genotype prefix counted for prefix popularity.</param>
/// <param name="TimeBins">Bins of the low-quality share over time.</param>
public sealed record AnalysisSettings(int Window = 100, double LowQuantile = 0.25, IReadOnlyList<double>? Thresholds = null, int KGram = 3,
    int TimeBins = 20)
{
    public void Validate()
    {
        if (Window < 1) throw new ArgumentException($"--window must be at least 1 proposal, got {Window}");
        if (!(LowQuantile is > 0 and < 1)) throw new ArgumentException($"--low-quantile must be between 0 and 1, got {LowQuantile}");
        if (KGram < 1) throw new ArgumentException($"--kgram must be at least 1, got {KGram}");
        if (TimeBins < 1) throw new ArgumentException($"time bins must be at least 1, got {TimeBins}");
        if (Thresholds?.Any(t => !double.IsFinite(t)) == true) throw new ArgumentException("--thresholds must be finite numbers");
    }
}
