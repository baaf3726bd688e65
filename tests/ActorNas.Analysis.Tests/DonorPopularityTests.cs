using ActorNas.Core;
using Xunit;

namespace ActorNas.Analysis.Tests;

public sealed class DonorPopularityTests
{
    private const double Eps = 1e-12;
    private static readonly Genotype Zero = new([0, 0, 0, 0, 0, 0]);

    // index: id (parent)
    //   0: 1 (-)  1: 2 (-)  2: 3 (-)  3: 4 (1)  4: 5 (2)  5: 6 (1)  6: 7 (1)  7: 8 (4)  8: 9 (2)  9: 10 (1)  10: 11 (4)
    // proposal i at 10 + 2i seconds
    private static readonly long?[] Parents = [null, null, null, 1, 2, 1, 1, 4, 2, 1, 4];

    private static List<Proposal> Proposals() =>
        Parents.Select((parent, i) => new Proposal(i, i + 1, parent, Zero, null, 10 + 2 * i)).ToList();

    // ids 1..8 evaluated; objective ranks (1 = best): 1 (0.9) 1st, 4 (0.8) 2nd, 2 (0.7) 3rd, 8 (0.6) 4th, ...
    private static List<Evaluation> Evaluations() =>
        new[] { 0.9, 0.7, 0.2, 0.8, 0.5, 0.4, 0.3, 0.6 }.Select((o, i) => new Evaluation(i + 1, 0, i + 1, o, "w")).ToList();

    // Window W = 3 (proposals i-2..i) after each proposal:
    //   donor 1: parents in window  i3 (-,-,1)=1 i4 (-,1,2)=1 i5 (1,2,1)=2 i6 (2,1,1)=2 i7 (1,1,4)=2 i8 (1,4,2)=1 i9 (4,2,1)=1 i10 (2,1,4)=1
    //   donor 2: i4 1, i5 1, i6 1, i7 0, i8 1, i9 1, i10 1
    //   donor 4: i7 1, i8 1, i9 1, i10 1
    private static readonly int[] SeriesOf1 = [0, 0, 0, 1, 1, 2, 2, 2, 1, 1, 1];
    private static readonly int[] SeriesOf2 = [0, 0, 0, 0, 1, 1, 1, 0, 1, 1, 1];
    private static readonly int[] SeriesOf4 = [0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1];

    [Fact]
    public void Donor_careers_on_a_hand_example()
    {
        var d = DonorPopularity.Compute(Proposals(), Evaluations(), 3);
        Assert.Equal(3, d.Window);
        Assert.Equal(11, d.Proposals);
        Assert.Equal(8, d.ChildrenTotal);
        // ordered by children (desc), then id
        Assert.Equal([1L, 2, 4], d.Donors.Select(x => x.Id));

        // donor 1: children at 3 5 6 9; peak 2 first reached at 5; proposed at index 0
        Assert.Equal(new Donor(1, Children: 4, FirstChild: 3, LastChild: 9, FirstChildTime: 16, LastChildTime: 28,
            PeakWindowCount: 2, PeakIndex: 5, Objective: 0.9, ObjectiveRank: 1, AgeAtFirstChild: 3), d.Donors[0]);
        Assert.Equal(6, d.Donors[0].Span);
        Assert.Equal(12.0, d.Donors[0].SpanSeconds);

        // donor 2: children at 4 and 8; proposed at 1
        Assert.Equal(new Donor(2, 2, 4, 8, 18, 26, 1, 4, 0.7, 3, 3), d.Donors[1]);
        Assert.Equal(4, d.Donors[1].Span);
        // donor 4: children at 7 and 10; proposed at 3
        Assert.Equal(new Donor(4, 2, 7, 10, 24, 30, 1, 7, 0.8, 2, 4), d.Donors[2]);
        Assert.Equal(3, d.Donors[2].Span);
        Assert.Equal(6.0, d.Donors[2].SpanSeconds);
    }

    [Fact]
    public void Window_series_after_each_proposal()
    {
        var d = DonorPopularity.Compute(Proposals(), Evaluations(), 3);
        Assert.Equal([1L, 2, 4], d.TopSeries.Select(s => s.Id));
        Assert.Equal(SeriesOf1, d.TopSeries[0].WindowCounts);
        Assert.Equal(SeriesOf2, d.TopSeries[1].WindowCounts);
        Assert.Equal(SeriesOf4, d.TopSeries[2].WindowCounts);

        // the peaks are the maxima of the series, first reached at the peak index
        foreach (var (donor, series) in d.Donors.Zip(d.TopSeries))
        {
            Assert.Equal(series.WindowCounts.Max(), donor.PeakWindowCount);
            Assert.Equal(series.WindowCounts.ToList().IndexOf(donor.PeakWindowCount), donor.PeakIndex);
        }

        // TopSeries is Series of the most popular donors
        var again = DonorPopularity.Series(Proposals(), [1, 2, 4], 3);
        Assert.Equal(d.TopSeries.Select(s => s.WindowCounts), again.Select(s => s.WindowCounts));
        var one = DonorPopularity.Compute(Proposals(), Evaluations(), 3, seriesCount: 1);
        Assert.Equal(SeriesOf1, Assert.Single(one.TopSeries).WindowCounts);
    }

    [Fact]
    public void A_window_of_one_counts_only_the_latest_proposal_and_a_wide_window_counts_everything()
    {
        Assert.Equal([0, 0, 0, 1, 0, 1, 1, 0, 0, 1, 0], DonorPopularity.Series(Proposals(), [1], 1)[0].WindowCounts);
        Assert.Equal([0, 0, 0, 1, 1, 2, 3, 3, 3, 4, 4], DonorPopularity.Series(Proposals(), [1], 100)[0].WindowCounts);
        var wide = DonorPopularity.Compute(Proposals(), Evaluations(), 100);
        Assert.Equal((4, 9), (wide.Donors[0].PeakWindowCount, wide.Donors[0].PeakIndex));
        Assert.Equal((2, 8), (wide.Donors[1].PeakWindowCount, wide.Donors[1].PeakIndex));
        // a donor that is not among the proposals' parents has an all-zero series
        Assert.Equal(new int[11], DonorPopularity.Series(Proposals(), [3], 3)[0].WindowCounts);
    }

    [Fact]
    public void Children_against_objective_spearman_over_every_evaluated_candidate()
    {
        // evaluated 1..8: children 4 2 0 2 0 0 0 0, objectives 0.9 0.7 0.2 0.8 0.5 0.4 0.3 0.6
        // rank(children) = 8 6.5 3 6.5 3 3 3 3, rank(objective) = 8 6 1 7 4 3 2 5 (both mean 4.5)
        // sxy = 12.25 + 3 + 5.25 + 5 + 0.75 + 2.25 + 3.75 - 0.75 = 31.5; sxx = 31.5; syy = 42 -> sqrt(31.5 / 42) = sqrt(0.75)
        var d = DonorPopularity.Compute(Proposals(), Evaluations(), 3);
        Assert.Equal(Math.Sqrt(0.75), d.ChildrenVsObjectiveSpearman, Eps);
    }

    [Fact]
    public void Tiering_takes_the_top_one_and_ten_percent_of_donors_at_least_one()
    {
        // three donors: ceil(0.03) = ceil(0.3) = 1 donor -> donor 1's 4 of 8 children
        var d = DonorPopularity.Compute(Proposals(), Evaluations(), 3);
        Assert.Equal(0.5, d.TopOnePercentShare, Eps);
        Assert.Equal(0.5, d.TopTenPercentShare, Eps);

        // twelve donors (ids 1..12): donor 1 has 5 children, donor 2 has 3, donors 3..12 one each -> 18 children
        // top 1 %: ceil(0.12) = 1 donor -> 5 / 18; top 10 %: ceil(1.2) = 2 donors -> 8 / 18
        var parents = Enumerable.Repeat<long?>(null, 12)
            .Concat(Enumerable.Repeat<long?>(1, 5)).Concat(Enumerable.Repeat<long?>(2, 3))
            .Concat(Enumerable.Range(3, 10).Select(i => (long?)i)).ToList();
        var proposals = parents.Select((p, i) => new Proposal(i, i + 1, p, Zero, null, i)).ToList();
        var evaluations = Enumerable.Range(1, 12).Select(i => new Evaluation(i, 0, i, i / 100.0, "w")).ToList();
        var many = DonorPopularity.Compute(proposals, evaluations, 5);
        Assert.Equal(12, many.Donors.Count);
        Assert.Equal(18, many.ChildrenTotal);
        Assert.Equal(5.0 / 18, many.TopOnePercentShare, Eps);
        Assert.Equal(8.0 / 18, many.TopTenPercentShare, Eps);
        // ranks: objective i / 100 -> id 12 is best (rank 1), id 1 worst (rank 12)
        Assert.Equal(12, many.Donors[0].ObjectiveRank);
        Assert.Equal(11, many.Donors[1].ObjectiveRank);
        // among the ten one-child donors the order is by id
        Assert.Equal(Enumerable.Range(3, 10).Select(i => (long)i), many.Donors.Skip(2).Select(x => x.Id));
    }

    [Fact]
    public void Objective_rank_ties_go_to_the_lower_id_and_an_unevaluated_donor_has_rank_zero()
    {
        List<Proposal> proposals = [new(0, 1, null, Zero, null, 0), new(1, 2, null, Zero, null, 1), new(2, 3, 2, Zero, null, 2),
            new(3, 4, 1, Zero, null, 3), new(4, 5, 9, Zero, null, 4)];
        List<Evaluation> evaluations = [new(2, 0, 1, 0.5, "w"), new(1, 0, 2, 0.5, "w")];
        var d = DonorPopularity.Compute(proposals, evaluations, 2);
        var byId = d.Donors.ToDictionary(x => x.Id);
        Assert.Equal(1, byId[1].ObjectiveRank);
        Assert.Equal(2, byId[2].ObjectiveRank);
        // donor 9 is neither proposed nor evaluated: rank 0, NaN objective, age -1
        Assert.Equal(0, byId[9].ObjectiveRank);
        Assert.True(double.IsNaN(byId[9].Objective));
        Assert.Equal(-1, byId[9].AgeAtFirstChild);
        Assert.Equal(3, byId[1].AgeAtFirstChild);   // proposed at index 0, first child at index 3
        Assert.Equal(1, byId[2].AgeAtFirstChild);   // proposed at index 1, first child at index 2
    }

    [Fact]
    public void Without_children_the_shares_and_correlation_are_undefined()
    {
        List<Proposal> proposals = [new(0, 1, null, Zero, null, 0), new(1, 2, null, Zero, null, 1)];
        List<Evaluation> evaluations = [new(1, 0, 1, 0.2, "w"), new(2, 0, 2, 0.4, "w")];
        var d = DonorPopularity.Compute(proposals, evaluations, 3);
        Assert.Empty(d.Donors);
        Assert.Empty(d.TopSeries);
        Assert.Equal(0, d.ChildrenTotal);
        Assert.True(double.IsNaN(d.TopOnePercentShare));
        Assert.True(double.IsNaN(d.TopTenPercentShare));
        Assert.True(double.IsNaN(d.ChildrenVsObjectiveSpearman));   // every count is 0: no variance

        var empty = DonorPopularity.Compute([], [], 3);
        Assert.Equal(0, empty.Proposals);
        Assert.True(double.IsNaN(empty.ChildrenVsObjectiveSpearman));
    }

    [Fact]
    public void The_window_must_hold_at_least_one_proposal() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => DonorPopularity.Compute(Proposals(), Evaluations(), 0));
}
