namespace ActorNas.Analysis;

/// <summary>When the running best first reached a threshold (null: never).</summary>
public sealed record ThresholdHit(double Threshold, double? Time, int? Evaluations);

/// <summary>The share of evaluations below the low-quality threshold, per time bin [Start, End).</summary>
public sealed record LowQualityBin(double Start, double End, int Evaluations, int Low)
{
    public double Share => Evaluations == 0 ? double.NaN : (double)Low / Evaluations;
}

/// <summary>Section 1 of the study: every objective against time, the running best, the population median, low-quality share, time to thresholds.</summary>
public sealed record QualityOverTime(
    IReadOnlyList<SeriesPoint> Objectives,
    IReadOnlyList<SeriesPoint> RunningBest,
    IReadOnlyList<SeriesPoint> PopulationMedian,
    double LowQuantile,
    double LowThreshold,
    IReadOnlyList<LowQualityBin> LowQuality,
    IReadOnlyList<ThresholdHit> Thresholds)
{
    /// <param name="evaluations">In the order the results were recorded.</param>
    /// <param name="thresholds">Objective levels to time; null takes the 0.5, 0.9 and 0.99 quantiles and the maximum of all results.</param>
    public static QualityOverTime Compute(IReadOnlyList<Evaluation> evaluations, IReadOnlyList<SeriesPoint> populationMedian,
        double lowQuantile, IReadOnlyList<double>? thresholds, int timeBins)
    {
        var ordered = evaluations.OrderBy(e => e.Finish).ToList();   // stable: ties keep log order
        var objectives = ordered.Select(e => new SeriesPoint(e.Finish, e.Objective)).ToList();
        var best = new List<SeriesPoint>(ordered.Count);
        var running = double.NegativeInfinity;
        foreach (var e in ordered)
        {
            running = Math.Max(running, e.Objective);
            best.Add(new SeriesPoint(e.Finish, running));
        }

        var all = ordered.Select(e => e.Objective).ToArray();
        var low = Quantiles.Of(all.ToArray().AsSpan(), lowQuantile);
        var levels = thresholds ?? (all.Length == 0 ? [] : new[] { 0.5, 0.9, 0.99 }.Select(q => Quantiles.Of(all.ToArray().AsSpan(), q)).Append(all.Max()).Distinct().ToArray());
        var hits = levels.Select(level =>
        {
            var index = best.FindIndex(p => p.Value >= level);
            return index < 0 ? new ThresholdHit(level, null, null) : new ThresholdHit(level, best[index].Time, index + 1);
        }).ToList();

        return new QualityOverTime(objectives, best, populationMedian, lowQuantile, low, LowQualityBins(ordered, low, timeBins), hits);
    }

    /// <summary>Equal-width time bins from 0 to the last result; an evaluation belongs to the bin of its finish time.</summary>
    public static IReadOnlyList<LowQualityBin> LowQualityBins(IReadOnlyList<Evaluation> evaluations, double threshold, int bins)
    {
        if (evaluations.Count == 0) return [];
        var end = evaluations.Max(e => e.Finish);
        if (end <= 0) return [new LowQualityBin(0, 0, evaluations.Count, evaluations.Count(e => e.Objective < threshold))];
        var width = end / bins;
        var counts = new int[bins];
        var lows = new int[bins];
        foreach (var e in evaluations)
        {
            var bin = Math.Clamp((int)(e.Finish / width), 0, bins - 1);
            counts[bin]++;
            if (e.Objective < threshold) lows[bin]++;
        }
        return Enumerable.Range(0, bins).Select(i => new LowQualityBin(i * width, (i + 1) * width, counts[i], lows[i])).ToList();
    }
}
