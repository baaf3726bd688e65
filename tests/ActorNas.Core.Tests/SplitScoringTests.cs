using ActorNas.Core.Growth;
using Xunit;

namespace ActorNas.Core.Tests;

/// <summary>SpiderNet's choice of the edge to split, on numbers worked out by hand.</summary>
public sealed class SplitScoringTests
{
    [Theory]
    [InlineData(-0.1, 0.2, true)]
    [InlineData(0.0, 0.2, true)]                                  // kappa no worse is enough
    [InlineData(0.1, 0.2, false)]                                 // kappa worse
    [InlineData(-0.1, 0.0, false)]                                // no new regions
    [InlineData(-0.1, -0.3, false)]
    [InlineData(double.NaN, 0.2, false)]
    [InlineData(-0.1, double.PositiveInfinity, false)]
    public void A_candidate_is_valid_iff_it_adds_regions_and_does_not_raise_kappa(double deltaKappa, double deltaRegions, bool valid) =>
        Assert.Equal(valid, new SplitCandidate(0, deltaKappa, deltaRegions).IsValid);

    [Fact]
    public void Relative_changes_are_averaged_over_the_reinitialisations()
    {
        // kappa: 8 vs 10 (-0.2), 12 vs 10 (+0.2), 9 vs 10 (-0.1): mean -0.1/3; regions: 110 vs 100, 100 vs 100, 130 vs 100: mean 0.4/3
        var candidate = SplitScoring.Candidate(4, [new SplitPair(8, 10, 110, 100), new SplitPair(12, 10, 100, 100), new SplitPair(9, 10, 130, 100)]);
        Assert.Equal(4, candidate.Edge);
        Assert.Equal(-0.1 / 3, candidate.DeltaKappa, 12);
        Assert.Equal(0.4 / 3, candidate.DeltaRegions, 12);
        Assert.True(candidate.IsValid);
        // a singular "off" kernel made regular is the largest drop; two singular ones cannot be compared
        Assert.Equal(-1, SplitScoring.RelativeChange(50, double.PositiveInfinity));
        Assert.True(double.IsNaN(SplitScoring.RelativeChange(double.PositiveInfinity, double.PositiveInfinity)));
        Assert.False(SplitScoring.Candidate(1, [new SplitPair(double.PositiveInfinity, double.PositiveInfinity, 120, 100)]).IsValid);
        Assert.Throws<ArgumentException>(() => SplitScoring.Candidate(1, []));
    }

    [Fact]
    public void The_balanced_candidate_wins_over_two_that_are_best_in_one_metric_only()
    {
        // dKappa -0.5, -0.1, -0.4 -> normalised 0, 1, 0.25; dLRC 0.1, 0.3, 0.25 -> 0, 1, 0.75
        // scores 0.5 (1 - 0 + 0) = 0.5, 0.5 (1 - 1 + 1) = 0.5, 0.5 (1 - 0.75 + 0.25) = 0.25: the third
        SplitCandidate[] valid = [new(0, -0.5, 0.1), new(1, -0.1, 0.3), new(2, -0.4, 0.25)];
        var scores = SplitScoring.Scores(valid);
        Assert.Equal(0.5, scores[0], 12);
        Assert.Equal(0.5, scores[1], 12);
        Assert.Equal(0.25, scores[2], 12);
        Assert.Equal(2, SplitScoring.Choose(valid)!.Edge);

        // one candidate best in both wins with score 0
        SplitCandidate[] dominated = [new(3, -0.1, 0.1), new(5, -0.6, 0.4), new(7, -0.3, 0.2)];
        Assert.Equal(0, SplitScoring.Scores(dominated)[1], 12);
        Assert.Equal(5, SplitScoring.Choose(dominated)!.Edge);
    }

    [Fact]
    public void A_lone_or_tied_candidate_normalises_to_zero_and_none_leaves_the_cell_alone()
    {
        Assert.Equal([0.5], SplitScoring.Scores([new SplitCandidate(9, -0.2, 0.1)]));
        Assert.Equal(9, SplitScoring.Choose([new SplitCandidate(9, -0.2, 0.1)])!.Edge);
        Assert.Equal(4, SplitScoring.Choose([new SplitCandidate(4, -0.2, 0.1), new SplitCandidate(6, -0.2, 0.1)])!.Edge);   // first of equals
        Assert.Null(SplitScoring.Choose([]));
        Assert.Throws<ArgumentException>(() => SplitScoring.Scores([new SplitCandidate(1, 0.3, 0.1)]));
    }

    [Fact]
    public void Measuring_stops_once_three_candidates_are_valid()
    {
        // edges visited 5, 2, 7, 1, 4, 0: 5 and 1 invalid, so the third valid one is edge 4 and edge 0 is never measured
        var valid = new HashSet<int> { 2, 7, 4, 0 };
        var measured = new List<int>();
        SplitCandidate Measure(int edge)
        {
            measured.Add(edge);
            return valid.Contains(edge) ? new SplitCandidate(edge, -0.1 * edge, 0.1) : new SplitCandidate(edge, 0.2, 0.1);
        }
        var found = SplitScoring.CollectValid([5, 2, 7, 1, 4, 0], Measure);
        Assert.Equal([5, 2, 7, 1, 4], measured);
        Assert.Equal([2, 7, 4], found.Select(c => c.Edge));
        // fewer valid edges than needed: every edge is measured and the valid ones come back
        measured.Clear();
        Assert.Equal([2], SplitScoring.CollectValid([5, 2, 1], Measure).Select(c => c.Edge));
        Assert.Equal([5, 2, 1], measured);
    }
}
