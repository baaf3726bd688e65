using System.Globalization;
using ActorNas.Analysis.Caching;
using ActorNas.Analysis.Tests.TestSupport;
using ActorNas.Core.Caching;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Evolution;
using ActorNas.Core.Simulation;
using ActorNas.Core.Spaces;
using Xunit;

namespace ActorNas.Analysis.Tests;

/// <summary>The replayed sequence of a log (order, names, owners) and the study on a real simulated search.</summary>
public sealed class CacheStudyTests
{
    private static string[] Names(LogBuilder log, long id) =>
        [.. LayerReuse.Identities(log.GenotypeOf(id)).Select(i => i.ToString("x16", CultureInfo.InvariantCulture))];

    private static CacheEvent Evaluated(LogBuilder log, long id, long? parent, double objective) =>
        CacheEvent.Evaluated(new EvaluatedModel(id, parent, objective, Names(log, id)));

    // an evaluated model's layers are a list: compare events by what they say, not by reference
    private static List<string> Said(IEnumerable<CacheEvent> events) =>
        [.. events.Select(e => e.Model is { } m
            ? FormattableString.Invariant($"{e.Kind} {m.Id} {m.ParentId} {m.Objective} {string.Join(',', m.Layers)}")
            : FormattableString.Invariant($"{e.Kind} {e.Layer} {e.Id}"))];

    [Fact]
    public void Starts_ask_for_every_layer_after_the_donor_choice_and_finishes_offer_them_first_at_equal_times()
    {
        var log = LogBuilder.Of(10, 100, null,
            Cand.Random(1, "0,1,2,3,4,0", "w1", 0, 2, 0.5),
            Cand.Random(2, "1,1,1,1,1,1", "w2", 0, 3, 0.4),
            Cand.Child(3, 1, 3, 0, "w1", 2, 5, 0.6),     // starts at 2, when 1 finishes: 1's offer comes first
            Cand.Child(4, 3, 5, 2, "w2", 3, null, 0.1)); // still running: asks, offers nothing
        var trace = CacheTrace.Of(log.Fold());

        var expected = new List<CacheEvent>();
        expected.AddRange(Names(log, 1).Select(CacheEvent.Request));
        expected.AddRange(Names(log, 2).Select(CacheEvent.Request));
        expected.Add(Evaluated(log, 1, null, 0.5));   // the model first (objective, parent), then its offers
        expected.AddRange(Names(log, 1).Select(l => CacheEvent.Offer(l, 1)));
        expected.Add(CacheEvent.DonorChosen(1));
        expected.AddRange(Names(log, 3).Select(CacheEvent.Request));
        expected.Add(Evaluated(log, 2, null, 0.4));
        expected.AddRange(Names(log, 2).Select(l => CacheEvent.Offer(l, 2)));
        expected.Add(CacheEvent.DonorChosen(3));
        expected.AddRange(Names(log, 4).Select(CacheEvent.Request));
        expected.Add(Evaluated(log, 3, 1, 0.6));
        expected.AddRange(Names(log, 3).Select(l => CacheEvent.Offer(l, 3)));
        Assert.Equal(Said(expected), Said(trace.Events()));
        Assert.Equal((10, 2), (trace.PopulationSize, trace.SampleSize));    // P and S of the log's SearchStarted

        Assert.Equal(expected.Where(e => e.Kind == CacheEventKind.Request).Select(e => e.Layer), trace.RequestSequence);
        Assert.Equal(24, trace.Requests);
        // 1 and 3 share their first three layers; 2 shares none
        Assert.Equal(6 + 6 + 3, trace.DistinctOffered);
    }

    [Fact]
    public void A_failed_attempt_asks_again_when_retried_and_an_evaluation_that_took_no_time_offers_after_its_own_start()
    {
        var log = new LogBuilder(10);
        log.ProposeRandom(1, "0,0,0,0,0,0", 0).Start(1, "w", 0).Fail(1, "w", 1).Start(1, "w", 1).Evaluate(1, 0.5, 1, 1, "w");
        var events = CacheTrace.Of(log.Fold()).Events().ToList();
        var layers = Names(log, 1);
        Assert.Equal(Said([.. layers.Select(CacheEvent.Request), .. layers.Select(CacheEvent.Request), Evaluated(log, 1, null, 0.5),
            .. layers.Select(l => CacheEvent.Offer(l, 1))]), Said(events));
    }

    [Fact]
    public void A_command_evaluator_search_asks_for_its_parents_checkpoint_and_offers_its_own_one_payload_per_candidate()
    {
        var log = new LogBuilder(10, evaluator: "command");
        log.ProposeRandom(1, "0,1,2,3,4,0", 0).Start(1, "w1", 0).Evaluate(1, 0.5, 0, 2, "w1")
            .ProposeChild(2, 1, 3, 0, 2).Start(2, "w1", 2).Evaluate(2, 0.6, 2, 4, "w1")
            .ProposeChild(3, 1, 5, 2, 4).Start(3, "w2", 4);   // still running: asks for 1's checkpoint, offers nothing
        var trace = CacheTrace.Of(log.Fold());

        Assert.Equal("checkpoint", trace.Payload);
        Assert.Equal(Said([
            CacheEvent.Evaluated(new EvaluatedModel(1, null, 0.5, ["checkpoint:1"])), CacheEvent.Offer("checkpoint:1", 1),
            CacheEvent.DonorChosen(1), CacheEvent.Request("checkpoint:1"),
            CacheEvent.Evaluated(new EvaluatedModel(2, 1, 0.6, ["checkpoint:2"])), CacheEvent.Offer("checkpoint:2", 2),
            CacheEvent.DonorChosen(1), CacheEvent.Request("checkpoint:1"),
        ]), Said(trace.Events()));
        Assert.Equal(["checkpoint:1", "checkpoint:1"], trace.RequestSequence);
        Assert.Equal(2, trace.DistinctOffered);

        // room for one checkpoint (every fraction of two rounds up to one): 2's offer pushes 1's out of an online cache, so
        // only the first request hits; Belady knows 1 is asked for again and keeps it, hitting both
        var study = CacheStudy.Compute(trace, window: 20);
        Assert.Equal("checkpoint", study.Payload);
        Assert.All(study.Rows, r => Assert.Equal((1L, 2L, r.Policy == CacheStudy.Belady ? 2L : 1L), (r.Capacity, r.Requests, r.Hits)));
    }

    [Fact]
    public void The_study_on_a_real_search_agrees_with_a_plain_replay_and_no_policy_hits_a_layer_before_it_was_offered()
    {
        var fold = Simulate(budget: 400, workers: 4);
        var study = CacheStudy.Compute(fold, window: 20);
        var trace = CacheTrace.Of(fold);
        Assert.Equal((20, 5), (trace.PopulationSize, trace.SampleSize));   // from the log's SearchStarted
        var reachable = ReachableHits(trace);

        Assert.Equal(CacheStudy.DefaultFractions.Count * CacheStudy.Policies.Count, study.Rows.Count);
        Assert.Equal(400 * 6, study.Requests);   // no failures: one attempt per candidate, six layers each
        Assert.All(study.Rows, r => Assert.Equal(study.Requests, r.Requests));
        foreach (var fraction in study.Fractions)
        {
            var capacity = (long)Math.Round(fraction * study.DistinctOffered, MidpointRounding.AwayFromZero);
            var belady = study.Row(CacheStudy.Belady, fraction);
            Assert.Equal(Math.Max(1, capacity), belady.Capacity);
            Assert.True(belady.Hits > 0, $"belady has no hit at {fraction}");
            foreach (var policy in CacheStudy.Policies)
            {
                // true of any policy by construction: a layer is held only after an evaluation offered it
                var row = study.Row(policy, fraction);
                Assert.True(row.Hits <= reachable, $"{policy} at {fraction}: {row.Hits} hits, only {reachable} requests follow an offer");
                Assert.True(row.Hits > 0, $"{policy} has no hit at {fraction}");
                if (policy == CacheStudy.Belady) continue;
                // the reusable replay gives the same hits as the study
                var book = new LayerCacheBook(row.Capacity, CachePolicies.Create(policy, new CachePolicySettings(20, Population: 20, Sample: 5)));
                Assert.Equal(row.Hits, CacheReplay.Run(trace.Events(), book));
                Assert.Equal(row.Evictions, book.Evictions);
            }
        }
    }

    /// <summary>
    /// Belady is the study's yardstick, not a proven optimum here: a layer can be admitted only when an evaluation that
    /// holds it finishes, so keeping a layer can be worth more than farthest-next-use says (BeladyPolicy's remarks; on
    /// random sequences with late offers LRU can beat it). What holds on search logs is an observation, and this test
    /// keeps it honest on several seeds: the online policies stay below Belady with room to spare (measured on 60
    /// simulated logs of P = 10..50, 2..8 workers: at most 0.946 of Belady's hits, donor-popularity at 25 %), so a
    /// change that makes one pass Belady, or reach within 2 % of it, is a change to look at. Belady's hits also grew
    /// with capacity on every one of those logs.
    /// </summary>
    [Fact]
    public void On_several_simulated_searches_the_online_policies_stay_clearly_below_belady_and_more_room_never_costs_belady_hits()
    {
        foreach (var seed in new long[] { 1, 2, 3, 4, 5 })
        {
            var study = CacheStudy.Compute(Simulate(budget: 400, workers: 4, seed), window: 20);
            var beladyHits = study.Fractions.Order().Select(f => study.Row(CacheStudy.Belady, f).Hits).ToList();
            Assert.True(beladyHits.SequenceEqual(beladyHits.Order()), $"seed {seed}: belady's hits by capacity {string.Join(", ", beladyHits)}");
            foreach (var fraction in study.Fractions)
                foreach (var policy in CacheStudy.OnlinePolicies)
                {
                    var ratio = study.VsBelady(policy, fraction);
                    Assert.True(ratio <= 0.98, $"seed {seed}: {policy} at {fraction} reaches {ratio:F3} of belady's hits");
                }
        }
    }

    /// <summary>Requests for a layer that some evaluation offered before: the most hits any cache of any size can have.</summary>
    private static long ReachableHits(CacheTrace trace)
    {
        var offered = new HashSet<string>();
        long reachable = 0;
        foreach (var e in trace.Events())
        {
            if (e.Kind == CacheEventKind.Offer) offered.Add(e.Layer);
            else if (e.Kind == CacheEventKind.Request && offered.Contains(e.Layer)) reachable++;
        }
        return reachable;
    }

    [Fact]
    public void With_room_for_every_stored_layer_belady_hits_every_request_for_a_layer_offered_before_it()
    {
        var fold = Simulate(budget: 200, workers: 3);
        var trace = CacheTrace.Of(fold);
        var reachable = ReachableHits(trace);
        var study = CacheStudy.Compute(trace, window: 10, fractions: [1.0]);
        Assert.Equal(reachable, study.Row(CacheStudy.Belady, 1.0).Hits);
        Assert.Equal(reachable, study.Row("lru", 1.0).Hits);   // nothing is ever evicted
        Assert.Equal(0, study.Row("lru", 1.0).Evictions);
    }

    [Fact]
    public void An_empty_search_gives_an_empty_study_and_bad_fractions_are_refused()
    {
        var fold = new LogBuilder(3).Fold();
        var study = CacheStudy.Compute(fold, 10);
        Assert.Equal(0, study.Requests);
        Assert.All(study.Rows, r => Assert.Equal(0, r.Capacity));
        Assert.True(double.IsNaN(study.VsBelady("lru", 0.1)));
        Assert.Throws<ArgumentException>(() => CacheStudy.Compute(fold, 10, [0]));
        Assert.Throws<ArgumentException>(() => CacheStudy.Compute(fold, 10, [1.5]));
    }

    /// <summary>A search on the simulated clock (the log `actornas simulate` writes), folded.</summary>
    private static LogFold Simulate(int budget, int workers, long seed = 3)
    {
        var config = new SearchSettings
        {
            Space = new SearchSpaceSpec(Nb201Space.SpaceName), PopulationSize = 20, SampleSize = 5, Budget = budget, Seed = seed,
        };
        var evaluator = new SyntheticSimulator(new SyntheticSettings(DurationKind.LogNormal, 100, 0.5), config.Space.Create());
        var fold = new LogFold();
        SimulatedSearch.Run(config, evaluator, workers, onEvent: fold.Apply);
        return fold;
    }
}
