using ActorNas.Analysis.Tests.TestSupport;
using ActorNas.Core.Events;
using Xunit;

namespace ActorNas.Analysis.Tests;

/// <summary>The whole study on hand-built logs: it agrees with each statistic computed alone, and never throws on odd logs.</summary>
public sealed class SearchAnalysisTests
{
    private const double Eps = 1e-12;

    // P = 4, budget 12, two workers. Four random candidates, then each of 3, 5, 7, 9 donates two children.
    //   w1: 1 [0,3]  4 [3,6]  6 [6,9]  8 [9,13]  11 [13,16]
    //   w2: 2 [0,2]  3 [2,5]  5 [5,8]  7 [8,10]  9 [10,12]  10 [12,15]  (idle 15..16)  12 [16,17]
    private static LogBuilder Twelve() => LogBuilder.Of(4, 12, LogBuilder.Nb201,
        Cand.Random(1, "0,1,2,3,4,0", "w1", 0, 3, 0.50),
        Cand.Random(2, "1,1,1,1,1,1", "w2", 0, 2, 0.30),
        Cand.Random(3, "2,2,2,2,2,2", "w2", 2, 5, 0.60),
        Cand.Random(4, "3,3,3,3,3,3", "w1", 3, 6, 0.20),
        Cand.Child(5, 3, 5, 3, "w2", 5, 8, 0.65),      // 2,2,2,2,2,3
        Cand.Child(6, 3, 0, 0, "w1", 6, 9, 0.40),      // 0,2,2,2,2,2
        Cand.Child(7, 5, 2, 4, "w2", 8, 10, 0.70),     // 2,2,4,2,2,3
        Cand.Child(8, 5, 4, 0, "w1", 9, 13, 0.55),     // 2,2,2,2,0,3
        Cand.Child(9, 7, 1, 0, "w2", 10, 12, 0.80),    // 2,0,4,2,2,3
        Cand.Child(10, 7, 3, 0, "w2", 12, 15, 0.75),   // 2,2,4,0,2,3
        Cand.Child(11, 9, 5, 0, "w1", 13, 16, 0.85),   // 2,0,4,2,2,0
        Cand.Child(12, 9, 0, 4, "w2", 16, 17, 0.60));  // 4,0,4,2,2,3

    private static readonly AnalysisSettings Options = new(Window: 4, LowQuantile: 0.25, Thresholds: null, KGram: 2, TimeBins: 4);

    [Fact]
    public void The_hand_built_log_is_what_it_says()
    {
        var log = Twelve();
        Assert.True(log.Completed);
        Assert.Equal(log.G("4,0,4,2,2,3"), log.GenotypeOf(12));
        // results in log order 2 1 3 4 5 6 7 9 8 10 11 12; from the 5th on the oldest member retires
        Assert.Equal([2L, 1, 3, 4, 5, 6, 7, 9], log.Events.OfType<CandidateRetired>().Select(r => r.Id));
    }

    [Fact]
    public void Quality_section_by_hand()
    {
        var a = SearchAnalysis.Compute("s", Twelve().Fold(), Options);
        Assert.True(a.IsCompleted);
        Assert.Equal(12, a.Candidates);
        Assert.Equal(0, a.Failed);

        // running best over finish order 2 1 3 4 5 6 7 9 8 10 11 12
        Assert.Equal([2.0, 3, 5, 6, 8, 9, 10, 12, 13, 15, 16, 17], a.Quality.RunningBest.Select(p => p.Time));
        Assert.Equal([0.3, 0.5, 0.6, 0.6, 0.65, 0.65, 0.7, 0.8, 0.8, 0.8, 0.85, 0.85], a.Quality.RunningBest.Select(p => p.Value));

        // population median (P = 4) after each result:
        //   [.3] .3 | [.3 .5] .4 | [.3 .5 .6] .5 | [.3 .5 .6 .2] .4 | -2: [.5 .6 .2 .65] .55 | -1: [.6 .2 .65 .4] .5
        //   -3: [.2 .65 .4 .7] .525 | -4: [.65 .4 .7 .8] .675 | -5: [.4 .7 .8 .55] .625 | -6: [.7 .8 .55 .75] .725
        //   -7: [.8 .55 .75 .85] .775 | -9: [.55 .75 .85 .6] .675
        double[] medians = [0.3, 0.4, 0.5, 0.4, 0.55, 0.5, 0.525, 0.675, 0.625, 0.725, 0.775, 0.675];
        Assert.Equal(medians.Length, a.Quality.PopulationMedian.Count);
        for (var i = 0; i < medians.Length; i++) Assert.Equal(medians[i], a.Quality.PopulationMedian[i].Value, Eps);

        // sorted objectives .2 .3 .4 .5 .55 .6 .6 .65 .7 .75 .8 .85 (positions 0..11)
        //   q0.5  position 5.5  -> .6              -> best .6 first at 5 s (3rd result)
        //   q0.9  position 9.9  -> .75 + .9 * .05  = .795  -> best .8 at 12 s (8th)
        //   q0.99 position 10.89 -> .8 + .89 * .05 = .8445 -> best .85 at 16 s (11th)
        //   max .85                                        -> 16 s (11th)
        Assert.Equal([0.6, 0.795, 0.8445, 0.85], a.Quality.Thresholds.Select(t => Math.Round(t.Threshold, 12)));
        Assert.Equal([5.0, 12, 16, 16], a.Quality.Thresholds.Select(t => t.Time!.Value));
        Assert.Equal([3, 8, 11, 11], a.Quality.Thresholds.Select(t => t.Evaluations!.Value));

        // low threshold q0.25: position 2.75 -> .4 + .75 * .1 = .475; low results .3 (2 s), .2 (6 s), .4 (9 s)
        // 4 bins over [0, 17] of 4.25 s: {2, 3} {5, 6, 8} {9, 10, 12} {13, 15, 16, 17}
        Assert.Equal(0.475, a.Quality.LowThreshold, Eps);
        Assert.Equal([2, 3, 3, 4], a.Quality.LowQuality.Select(b => b.Evaluations));
        Assert.Equal([1, 1, 1, 0], a.Quality.LowQuality.Select(b => b.Low));
    }

    [Fact]
    public void Mutation_donor_and_prefix_sections_by_hand()
    {
        var a = SearchAnalysis.Compute("s", Twelve().Fold(), Options);

        // mutated positions 5 0 2 4 1 3 5 0; nb201 prefix = position
        Assert.Equal([2, 1, 1, 1, 1, 2], a.Mutations.Positions);
        Assert.Equal([2, 1, 1, 1, 1, 2, 0], a.Mutations.PrefixLengths);
        Assert.Equal(20 / 8.0, a.Mutations.MeanPrefixLength, Eps);
        // 12 proposals, phases by index / 4: children 5 6 7 8 at indices 4..7 (middle), 9..12 at 8..11 (last)
        Assert.Equal([0, 0, 0, 0, 0, 0], a.Mutations.PositionsByPhase[0]);
        Assert.Equal([1, 0, 1, 0, 1, 1], a.Mutations.PositionsByPhase[1]);
        Assert.Equal([1, 1, 0, 1, 0, 1], a.Mutations.PositionsByPhase[2]);
        Assert.Equal(12, a.Mutations.ModelSize.Count);

        // donors 3 5 7 9 with two children each, at proposal indices 4,5 / 6,7 / 8,9 / 10,11
        Assert.Equal(8, a.Donors.ChildrenTotal);
        Assert.Equal([3L, 5, 7, 9], a.Donors.Donors.Select(d => d.Id));
        Assert.All(a.Donors.Donors, d => Assert.Equal((2, 1), (d.Children, d.Span)));
        // ages: 3 proposed at 2, first child at 4 -> 2; 5 at 4 -> 6: 2; 7 at 6 -> 8: 2; 9 at 8 -> 10: 2
        Assert.All(a.Donors.Donors, d => Assert.Equal(2, d.AgeAtFirstChild));
        // objective ranks among the 12: 11 (.85) 1, 9 (.8) 2, 10 (.75) 3, 7 (.7) 4, 5 (.65) 5, 3 (.6) 6 (ties by id: 3 before 12)
        Assert.Equal([6, 5, 4, 2], a.Donors.Donors.Select(d => d.ObjectiveRank));
        Assert.Equal(0.25, a.Donors.TopOnePercentShare, Eps);    // 1 of 4 donors
        Assert.Equal(0.25, a.Donors.TopTenPercentShare, Eps);
        Assert.All(a.Donors.Donors, d => Assert.Equal((2, d.FirstChild + 1), (d.PeakWindowCount, d.PeakIndex)));

        // prefixes, window = the last 4 proposals (9 10 11 12)
        Assert.Equal(
        [
            new PrefixCount("2", 7, 3), new PrefixCount("0", 2, 0), new PrefixCount("1", 1, 0),
            new PrefixCount("3", 1, 0), new PrefixCount("4", 1, 1),
        ], a.Prefixes.Top[1]);
        Assert.Equal(
        [
            new PrefixCount("2,2", 5, 1), new PrefixCount("2,0", 2, 2), new PrefixCount("0,1", 1, 0),
            new PrefixCount("0,2", 1, 0), new PrefixCount("1,1", 1, 0),
        ], a.Prefixes.Top[2]);
    }

    [Fact]
    public void Worker_and_reuse_sections_by_hand()
    {
        var a = SearchAnalysis.Compute("s", Twelve().Fold(), Options);
        var w = a.Workers;
        Assert.Equal((0.0, 17.0), (w.SpanStart, w.SpanEnd));
        Assert.Equal(
        [
            new WorkerSummary("w1", "node-w1", 5, 16, 16.0 / 17, 0, 0, 3, 13.0 / 4),
            new WorkerSummary("w2", "node-w2", 7, 16, 16.0 / 17, 1, 1, 2, 14.0 / 6),
        ], w.Workers);
        Assert.Equal(32.0 / 34, w.Utilization, Eps);
        Assert.Equal([1.0], w.IdleGaps);
        Assert.Equal(2.5, w.MeanFirstTaskDuration, Eps);
        Assert.Equal(27.0 / 10, w.MeanLaterTaskDuration, Eps);
        // the 4 tasks that ended last: 8 (13 s, 4), 10 (15 s, 3), 11 (16 s, 3), 12 (17 s, 1)
        Assert.Equal([4.0, 3, 3, 1], w.LastWindowDurations);

        Assert.Equal(72, a.Reuse.Requests);                   // 12 tasks x 6 positions
        Assert.Equal(20, a.Reuse.FromParentRequests);         // the children's prefix lengths
        Assert.Equal(72, a.Reuse.ColdRequests + a.Reuse.Distances.Count);
    }

    [Fact]
    public void The_study_agrees_with_each_statistic_computed_alone()
    {
        var fold = Twelve().Fold();
        var seen = new List<LayerRequest>();
        var a = SearchAnalysis.Compute("s", fold, Options, seen.Add);
        Assert.Equal("s", a.SearchId);
        Assert.Same(fold, a.Fold);
        Assert.Same(Options, a.Options);

        var quality = QualityOverTime.Compute(fold.Evaluations, fold.PopulationMedian, 0.25, null, 4);
        Assert.Equal(quality.RunningBest, a.Quality.RunningBest);
        Assert.Equal(quality.Thresholds, a.Quality.Thresholds);
        Assert.Equal(quality.LowQuality, a.Quality.LowQuality);

        var donors = DonorPopularity.Compute(fold.Proposals, fold.Evaluations, 4);
        Assert.Equal(donors.Donors, a.Donors.Donors);
        Assert.Equal(donors.TopSeries.Select(s => s.WindowCounts), a.Donors.TopSeries.Select(s => s.WindowCounts));
        Assert.Equal(donors.ChildrenVsObjectiveSpearman, a.Donors.ChildrenVsObjectiveSpearman);

        var workers = WorkerActivity.Compute(fold.Tasks, 4);
        Assert.Equal(workers.Workers, a.Workers.Workers);
        Assert.Equal(workers.Durations, a.Workers.Durations);

        var requests = LayerReuse.RequestsOf(fold.Space, fold.Tasks, fold.Proposals.ToDictionary(p => p.Id), out var count).ToList();
        Assert.Equal(requests, seen);
        var reuse = LayerReuse.Compute(requests, count);
        Assert.Equal((reuse.Requests, reuse.ColdRequests, reuse.SameWorkerReuses, reuse.FromParentRequests),
            (a.Reuse.Requests, a.Reuse.ColdRequests, a.Reuse.SameWorkerReuses, a.Reuse.FromParentRequests));
        Assert.Equal(reuse.Distances, a.Reuse.Distances);
    }

    [Fact]
    public void A_single_candidate()
    {
        var log = LogBuilder.Of(3, 1, LogBuilder.Nb201, Cand.Random(1, "0,0,0,0,0,0", "w1", 0, 2, 0.4));
        var a = SearchAnalysis.Compute("one", log.Fold(), new AnalysisSettings());
        Assert.True(a.IsCompleted);
        Assert.Equal(1, a.Candidates);
        Assert.All(a.Quality.Thresholds, t => Assert.Equal((0.4, 2.0, 1), (t.Threshold, t.Time!.Value, t.Evaluations!.Value)));
        Assert.Equal(0.4, a.Quality.LowThreshold);
        Assert.Equal(20, a.Quality.LowQuality.Count);
        Assert.Equal(0, a.Quality.LowQuality.Sum(b => b.Low));   // nothing is below the only result
        Assert.True(double.IsNaN(a.Mutations.MeanPrefixLength));
        Assert.Equal(0.073306, Assert.Single(a.Mutations.ModelSize).Value, 1e-12);
        Assert.Empty(a.Donors.Donors);
        Assert.True(double.IsNaN(a.Donors.TopOnePercentShare));
        Assert.True(double.IsNaN(a.Donors.ChildrenVsObjectiveSpearman));
        Assert.Equal(1.0, a.Workers.Utilization);
        Assert.True(double.IsNaN(a.Workers.MeanLaterTaskDuration));
        Assert.Equal((6, 6), (a.Reuse.Requests, a.Reuse.ColdRequests));
        Assert.Equal([new PrefixCount("0", 1, 1)], a.Prefixes.Top[1]);
    }

    [Fact]
    public void A_log_with_failures()
    {
        // 2 fails on w2 and is retried there; 3 fails twice on w3 (final with 2 attempts); 1 and 4 succeed
        var log = new LogBuilder(3, budget: 10, maxAttempts: 2)
            .ProposeRandom(1, "0,1,2,3,4,0", 0).Start(1, "w1", 0)
            .ProposeRandom(2, "1,1,1,1,1,1", 0).Start(2, "w2", 0)
            .Fail(2, "w2", 1)
            .Start(2, "w2", 1)
            .ProposeRandom(3, "2,2,2,2,2,2", 2).Start(3, "w3", 2)
            .Fail(3, "w3", 2.5)
            .Start(3, "w3", 3)
            .Fail(3, "w3", 4)
            .Evaluate(2, 0.7, 1, 5, "w2")
            .Evaluate(1, 0.5, 0, 6, "w1")
            .ProposeChild(4, 2, 0, 3, 6).Start(4, "w1", 6)
            .Evaluate(4, 0.9, 6, 8, "w1");
        var a = SearchAnalysis.Compute("f", log.Fold(), Options);
        Assert.False(a.IsCompleted);
        Assert.Equal(4, a.Candidates);
        Assert.Equal(1, a.Failed);
        Assert.Equal(3, a.Fold.Evaluations.Count);
        Assert.Equal(3, a.Fold.Tasks.Count(t => t.Outcome == TaskOutcome.Failed));
        Assert.Equal(6, a.Workers.Timeline.Count);
        // w1: 1 [0,6] 4 [6,8]; w2: 2 [0,1] [1,5]; w3: 3 [2,2.5] [3,4] (idle 0.5); span [0, 8]
        Assert.Equal([8.0, 5, 1.5], a.Workers.Workers.Select(x => x.Busy));
        Assert.Equal([0.0, 0, 0.5], a.Workers.Workers.Select(x => x.IdleGapTotal));
        Assert.Equal(14.5 / 24, a.Workers.Utilization, Eps);
        Assert.Equal(6 * 6, a.Reuse.Requests);              // every attempt, failed or not, requests its layers
        Assert.Equal(0.9, a.Quality.RunningBest[^1].Value);
        Assert.Equal(1, a.Donors.ChildrenTotal);
        Assert.Equal(2, a.Donors.Donors[0].AgeAtFirstChild);   // 2 proposed at index 1, its child 4 at index 3
        Assert.Equal(2, a.Donors.Donors[0].ObjectiveRank);     // 0.9 (4), 0.7 (2), 0.5 (1)
    }

    [Fact]
    public void A_log_still_running()
    {
        var log = LogBuilder.Of(2, 100, LogBuilder.Sequential3,
            Cand.Random(1, "1,0,2,1,3,2", "w1", 0, 2, 0.4),
            Cand.Random(2, "4,1,5,2,6,3", "w2", 0, 3, 0.6),
            Cand.Child(3, 2, 4, 0, "w1", 2, 5, 0.65),
            Cand.Child(4, 3, 1, 0, "w2", 3, null, 0),     // running when the log ends
            Cand.Child(5, 2, 3, 0, "w1", 5, null, 0));    // running
        var a = SearchAnalysis.Compute("r", log.Fold(), Options);
        Assert.False(a.IsCompleted);
        Assert.Equal(5, a.Candidates);
        Assert.Equal(5.0, a.Fold.LastEventTime);
        var unfinished = a.Fold.Tasks.Where(t => t.Outcome == TaskOutcome.Unfinished).OrderBy(t => t.CandidateId).ToList();
        Assert.Equal([new WorkerTask(4, "w2", "node-w2", 3, 5, TaskOutcome.Unfinished), new WorkerTask(5, "w1", "node-w1", 5, 5, TaskOutcome.Unfinished)],
            unfinished);
        Assert.Equal((0.0, 5.0), (a.Workers.SpanStart, a.Workers.SpanEnd));
        Assert.Equal(30, a.Reuse.Requests);
        // sequential prefixes: position 4 -> 4, 1 -> 0, 3 -> 2
        Assert.Equal([1, 0, 1, 0, 1, 0, 0], a.Mutations.PrefixLengths);
        Assert.Equal(3, a.Mutations.ModelSize.Count);
        Assert.Equal("total dense units", a.Mutations.SizeUnit);
        Assert.Equal(3, a.Donors.ChildrenTotal);
    }

    [Fact]
    public void A_log_with_only_its_start_and_bad_input()
    {
        var a = SearchAnalysis.Compute("empty", new LogBuilder(3).Fold(), new AnalysisSettings());
        Assert.Equal(0, a.Candidates);
        Assert.Empty(a.Quality.RunningBest);
        Assert.Empty(a.Quality.Thresholds);
        Assert.Empty(a.Workers.Workers);
        Assert.Equal(0, a.Reuse.Requests);
        Assert.Empty(a.Prefixes.Top);
        Assert.Empty(a.Donors.Donors);

        Assert.Throws<InvalidOperationException>(() => SearchAnalysis.Compute("none", new LogFold(), new AnalysisSettings()));
        Assert.Throws<ArgumentException>(() => SearchAnalysis.Compute("bad", new LogBuilder(3).Fold(), new AnalysisSettings(Window: 0)));
        Assert.Throws<ArgumentException>(() => SearchAnalysis.Compute("bad", new LogBuilder(3).Fold(), new AnalysisSettings(LowQuantile: 1)));
        Assert.Throws<ArgumentException>(() => SearchAnalysis.Compute("bad", new LogBuilder(3).Fold(), new AnalysisSettings(KGram: 0)));
        Assert.Throws<ArgumentException>(() => SearchAnalysis.Compute("bad", new LogBuilder(3).Fold(), new AnalysisSettings(TimeBins: 0)));
        Assert.Throws<ArgumentException>(() =>
            SearchAnalysis.Compute("bad", new LogBuilder(3).Fold(), new AnalysisSettings(Thresholds: [0.5, double.NaN])));
    }
}
