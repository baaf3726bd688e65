using Xunit;

namespace ActorNas.Analysis.Tests;

public sealed class QualityOverTimeTests
{
    private const double Eps = 1e-12;

    // Eight results finishing at 1..8 s: 0.3 0.1 0.5 0.4 0.7 0.2 0.9 0.6
    private static readonly double[] Objectives = [0.3, 0.1, 0.5, 0.4, 0.7, 0.2, 0.9, 0.6];

    private static List<Evaluation> Eight() =>
        Objectives.Select((o, i) => new Evaluation(i + 1, i + 0.5, i + 1, o, i % 2 == 0 ? "w1" : "w2")).ToList();

    [Fact]
    public void Running_best_over_finish_order()
    {
        var q = QualityOverTime.Compute(Eight(), [], 0.25, [], 4);
        Assert.Equal(Objectives, q.Objectives.Select(p => p.Value));
        Assert.Equal([1.0, 2, 3, 4, 5, 6, 7, 8], q.RunningBest.Select(p => p.Time));
        Assert.Equal([0.3, 0.3, 0.5, 0.5, 0.7, 0.7, 0.9, 0.9], q.RunningBest.Select(p => p.Value));
        Assert.Empty(q.Thresholds);
    }

    [Fact]
    public void Results_recorded_out_of_finish_order_are_sorted_by_finish_and_ties_keep_log_order()
    {
        var evaluations = new List<Evaluation>
        {
            new(1, 0, 5, 0.9, "w1"),
            new(2, 0, 2, 0.1, "w2"),
            new(3, 0, 2, 0.4, "w3"),   // same finish as 2, recorded later
        };
        var q = QualityOverTime.Compute(evaluations, [], 0.5, [0.4], 1);
        Assert.Equal([new SeriesPoint(2, 0.1), new SeriesPoint(2, 0.4), new SeriesPoint(5, 0.9)], q.Objectives);
        Assert.Equal([0.1, 0.4, 0.9], q.RunningBest.Select(p => p.Value));
        // 0.4 is first reached by the second result in finish order, at 2 s
        Assert.Equal(new ThresholdHit(0.4, 2, 2), Assert.Single(q.Thresholds));
    }

    [Fact]
    public void Time_to_given_thresholds_and_a_threshold_never_reached()
    {
        var q = QualityOverTime.Compute(Eight(), [], 0.25, [0.5, 0.8, 0.95, 0.3], 4);
        Assert.Equal(
        [
            new ThresholdHit(0.5, 3, 3),        // best 0.5 at the 3rd result (3 s)
            new ThresholdHit(0.8, 7, 7),        // best 0.9 at the 7th
            new ThresholdHit(0.95, null, null), // never
            new ThresholdHit(0.3, 1, 1),        // the first result already
        ], q.Thresholds);
    }

    [Fact]
    public void Default_thresholds_are_the_median_90_and_99_percent_quantiles_and_the_maximum()
    {
        // sorted: 0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.9 (positions 0..7)
        //   q0.5:  position 3.5  -> 0.4 + 0.5 * 0.1 = 0.45   -> best 0.5 at 3 s (3rd result)
        //   q0.9:  position 6.3  -> 0.7 + 0.3 * 0.2 = 0.76   -> best 0.9 at 7 s
        //   q0.99: position 6.93 -> 0.7 + 0.93 * 0.2 = 0.886 -> 7 s
        //   max 0.9                                          -> 7 s
        var q = QualityOverTime.Compute(Eight(), [], 0.25, null, 4);
        Assert.Equal(4, q.Thresholds.Count);
        Assert.Equal([0.45, 0.76, 0.886, 0.9], q.Thresholds.Select(t => Math.Round(t.Threshold, 12)));
        Assert.Equal([3.0, 7, 7, 7], q.Thresholds.Select(t => t.Time!.Value));
        Assert.Equal([3, 7, 7, 7], q.Thresholds.Select(t => t.Evaluations!.Value));
    }

    [Fact]
    public void Low_quality_share_per_time_bin()
    {
        // low threshold: q0.25 at position 1.75 -> 0.2 + 0.75 * 0.1 = 0.275; low results: 0.1 (2 s) and 0.2 (6 s)
        // 4 bins over [0, 8], width 2: [0,2) {1 s}, [2,4) {2, 3 s}, [4,6) {4, 5 s}, [6,8] {6, 7, 8 s} (the end is in the last)
        var q = QualityOverTime.Compute(Eight(), [], 0.25, [], 4);
        Assert.Equal(0.25, q.LowQuantile);
        Assert.Equal(0.275, q.LowThreshold, Eps);
        Assert.Equal(
        [
            new LowQualityBin(0, 2, 1, 0),
            new LowQualityBin(2, 4, 2, 1),
            new LowQualityBin(4, 6, 2, 0),
            new LowQualityBin(6, 8, 3, 1),
        ], q.LowQuality);
        Assert.Equal([0.0, 0.5, 0.0, 1.0 / 3], q.LowQuality.Select(b => b.Share));
    }

    [Fact]
    public void An_empty_time_bin_has_an_undefined_share()
    {
        // end 10, 4 bins of 2.5: [0,2.5) {1, 2}, [2.5,5) {}, [5,7.5) {}, [7.5,10] {10}
        var evaluations = new List<Evaluation> { new(1, 0, 1, 0.1, "w"), new(2, 0, 2, 0.5, "w"), new(3, 0, 10, 0.9, "w") };
        var bins = QualityOverTime.LowQualityBins(evaluations, 0.3, 4);
        Assert.Equal([2, 0, 0, 1], bins.Select(b => b.Evaluations));
        Assert.Equal([1, 0, 0, 0], bins.Select(b => b.Low));
        Assert.Equal(0.5, bins[0].Share);
        Assert.True(double.IsNaN(bins[1].Share));
        Assert.Equal(0.0, bins[3].Share);
        Assert.Equal([0.0, 2.5, 5, 7.5], bins.Select(b => b.Start));
        Assert.Equal(10.0, bins[3].End);
    }

    [Fact]
    public void All_results_at_time_zero_make_one_bin_and_no_results_make_none()
    {
        var atZero = new List<Evaluation> { new(1, 0, 0, 0.1, "w"), new(2, 0, 0, 0.5, "w") };
        Assert.Equal([new LowQualityBin(0, 0, 2, 1)], QualityOverTime.LowQualityBins(atZero, 0.3, 5));
        Assert.Empty(QualityOverTime.LowQualityBins([], 0.3, 5));

        var none = QualityOverTime.Compute([], [], 0.25, null, 4);
        Assert.Empty(none.Objectives);
        Assert.Empty(none.RunningBest);
        Assert.Empty(none.Thresholds);
        Assert.Empty(none.LowQuality);
        Assert.True(double.IsNaN(none.LowThreshold));

        var given = QualityOverTime.Compute([], [], 0.25, [0.5], 4);
        Assert.Equal([new ThresholdHit(0.5, null, null)], given.Thresholds);
    }

    [Fact]
    public void The_population_median_passes_through()
    {
        IReadOnlyList<SeriesPoint> median = [new(1, 0.3), new(2, 0.2)];
        Assert.Same(median, QualityOverTime.Compute(Eight(), median, 0.25, [], 4).PopulationMedian);
    }
}
