using ActorNas.Core.Evaluation;
using ActorNas.Core.Events;
using ActorNas.Core.Evolution;
using ActorNas.Core.Growth;
using ActorNas.Core.Spaces;
using ActorNas.Core.Spaces.SpiderNet;
using ActorNas.Core.Tests.TestSupport;
using Xunit;

namespace ActorNas.Core.Tests;

/// <summary>
/// SpiderNet as a search on the ordinary state: one network, a round per candidate. The first candidate is the space's
/// starting network; a round's pruned genotype (the result's revised genotype) is recorded and is what the next growth
/// starts from; growing is the grower's (libtorch's, here a function whose answer is known).
/// </summary>
public sealed class SpiderNetStrategyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);
    private static readonly SpiderNetSpace Space = new(new SpiderNetSpaceSettings(ReductionCells: 1, InitialChannels: 4));

    private static SearchSettings Config(int budget = 10) => new()
    {
        Space = new SearchSpaceSpec(SpiderNetSpace.SpaceName, SpiderNet: Space.Settings),
        PopulationSize = 1,
        SampleSize = 1,
        Mode = SchedulingMode.Batch,
        BatchSize = 1,
        Budget = budget,
        Seed = 11,
        Growth = new GrowthSpec(GrowthRule.Random),
    };

    /// <summary>Splits the first edge of every cell: a growth whose answer is known.</summary>
    private static Genotype SplitFirstEdges(Genotype parent) =>
        Space.Encode([.. Space.Decode(parent).Select(c => c.Edges.Count == 0 ? c : c.Split(c.Edges.First().Key.From, c.Edges.First().Key.To))]);

    /// <summary>The parent with cell 0's first edge losing its first live op: what a round's pruning could leave.</summary>
    private static Genotype PruneOne(Genotype genotype)
    {
        var cells = Space.Decode(genotype).ToList();
        var ((from, to), mask) = cells[0].Edges.First();
        var op = (SpiderOp)System.Numerics.BitOperations.TrailingZeroCount(mask);
        cells[0] = cells[0].Prune([(from, to, op)]);
        return Space.Encode(cells);
    }

    [Fact]
    public void The_first_candidate_is_the_starting_network_not_a_random_genotype()
    {
        var state = StateSteps.Started(Config(), T0);
        var first = StateSteps.Take(state, "w", "n", T0);
        Assert.Equal(Space.Origin, first.Genotype);
        Assert.Null(first.ParentId);
    }

    [Fact]
    public void A_rounds_revised_genotype_is_recorded_and_the_next_growth_starts_from_it()
    {
        var state = StateSteps.Started(Config(), T0);
        var first = StateSteps.Take(state, "w", "n", T0);
        var pruned = PruneOne(first.Genotype);
        Assert.NotEqual(first.Genotype, pruned);
        var events = state.Complete(first.Id, new EvaluationResult(0.5, Revised: pruned), T0, T0.AddSeconds(1), "w", "n");
        Assert.Equal(pruned, Assert.Single(events.OfType<CandidateEvaluated>()).Revised);
        StateSteps.Apply(state, events);
        Assert.Equal(pruned, Assert.Single(state.Population).Genotype);

        // the next candidate is the growth of the pruned network, proposed as the member's child with no single mutation
        var need = Assert.IsType<MutationNeeded>(state.Decide(new AssignWork("w", "n", T0.AddSeconds(2))));
        Assert.Equal(pruned, need.Reservation.Parent);
        var grown = ChildProposer.ChildOf(state.Config, state.Space, need.Reservation.Id, need.Reservation.Parent, null,
            grower: (parent, _, _) => SplitFirstEdges(parent));
        Assert.Null(grown.Mutation);
        var child = Assert.IsType<AssignCandidate>(state.Decide(new ProposeChild(need.Reservation.Id, T0.AddSeconds(2), grown)));
        var proposed = Assert.Single(child.Events.OfType<CandidateProposed>());
        Assert.Equal((first.Id, SplitFirstEdges(pruned), (Mutation?)null), (proposed.ParentId, proposed.Genotype, proposed.Mutation));
        StateSteps.Apply(state, child.Events);

        // the child's round retires the parent: one network at a time
        StateSteps.Apply(state, state.Complete(child.Candidate.Id, new EvaluationResult(0.6), T0, T0.AddSeconds(3), "w", "n"));
        Assert.Equal((child.Candidate.Id, proposed.Genotype), (state.Population.Single().Id, state.Population.Single().Genotype));
    }

    [Fact]
    public void Replaying_the_log_and_restoring_a_snapshot_give_the_revised_member()
    {
        var state = StateSteps.Started(Config(), T0);
        var log = new List<ISearchEvent> { new SearchStarted(state.Config, T0) };
        var first = Assert.IsType<AssignCandidate>(state.Decide(new AssignWork("w", "n", T0, DrawChildHere: true)));
        StateSteps.Apply(state, first.Events);
        log.AddRange(first.Events);
        var pruned = PruneOne(first.Candidate.Genotype);
        var done = state.Complete(first.Candidate.Id, new EvaluationResult(0.5, Revised: pruned), T0, T0, "w", "n");
        StateSteps.Apply(state, done);
        log.AddRange(done);

        var replayed = new SearchState();
        foreach (var e in log) replayed.Apply((ISearchEvent)EventSerializer.FromBytes(EventSerializer.ToBytes(e), EventSerializer.ManifestOf(e)));
        Assert.Equal(pruned, replayed.Population.Single().Genotype);
        var restored = SearchState.FromSnapshot((SearchSnapshot)EventSerializer.FromBytes(EventSerializer.ToBytes(state.ToSnapshot()), "search-snapshot.v1"));
        Assert.Equal(pruned, restored.Population.Single().Genotype);
    }

    [Fact]
    public void A_revised_genotype_outside_the_space_fails_the_attempt_with_the_reason()
    {
        var state = StateSteps.Started(Config(), T0);
        var first = StateSteps.Take(state, "w", "n", T0);
        var events = state.Complete(first.Id, new EvaluationResult(0.5, Revised: new Genotype([1, 2, 3])), T0, T0, "w", "n");
        var failed = Assert.Single(events.OfType<CandidateFailed>());
        Assert.Contains("revised genotype", failed.Reason, StringComparison.Ordinal);
        Assert.Empty(events.OfType<CandidateEvaluated>());
    }

    [Fact]
    public void A_result_with_a_revised_genotype_has_a_manifest_of_its_own_and_every_other_result_stays_v1()
    {
        var revised = new CandidateEvaluated(3, 0.5, null, T0, T0, "w", "n", Revised: Space.Origin);
        Assert.Equal("candidate-evaluated.v2", EventSerializer.ManifestOf(revised));
        Assert.Equal("candidate-evaluated.v1", EventSerializer.ManifestOf(revised with { Revised = null }));
        var back = (CandidateEvaluated)EventSerializer.FromBytes(EventSerializer.ToBytes(revised), "candidate-evaluated.v2");
        Assert.Equal(Space.Origin, back.Revised);
    }

    [Fact]
    public void A_log_written_before_revised_genotypes_reads_as_none()
    {
        var evaluated = new CandidateEvaluated(3, 0.5, null, T0, T0, "w", "n");
        var json = System.Text.Encoding.UTF8.GetString(EventSerializer.ToBytes(evaluated));
        Assert.DoesNotContain("revised", json, StringComparison.OrdinalIgnoreCase);
        var back = (CandidateEvaluated)EventSerializer.FromBytes(System.Text.Encoding.UTF8.GetBytes(json), "candidate-evaluated.v1");
        Assert.Null(back.Revised);
    }

    [Fact]
    public void The_growth_is_the_growers_for_the_candidates_seed_without_a_grower_it_is_refused_and_the_fallback_keeps_the_parent()
    {
        var seeds = new List<long>();
        var grown = ChildProposer.ChildOf(Config(), Space, 7, Space.Origin, null, grower: (parent, seed, _) =>
        {
            seeds.Add(seed);
            return SplitFirstEdges(parent);
        });
        Assert.Equal(SplitFirstEdges(Space.Origin), grown.Child);
        Assert.Equal([ChildProposer.GrowthSeed(Config(), 7)], seeds);
        Assert.NotEqual(ChildProposer.GrowthSeed(Config(), 7), ChildProposer.GrowthSeed(Config(), 8));
        var refused = Assert.Throws<InvalidOperationException>(() => ChildProposer.ChildOf(Config(), Space, 7, Space.Origin, null));
        Assert.Contains("grower", refused.Message, StringComparison.Ordinal);
        var fallback = ChildProposer.FallbackChildOf(Config(), Space, 7, Space.Origin, null);
        Assert.Equal(Space.Origin, fallback.Child);
        Assert.Null(fallback.Mutation);
    }

    [Theory]
    [InlineData(2, 1, SchedulingMode.Batch, 1, "population size 1")]
    [InlineData(1, 1, SchedulingMode.Continuous, 1, "batch mode")]
    [InlineData(1, 1, SchedulingMode.Batch, 4, "batch size 1")]
    public void Settings_that_would_grow_several_networks_are_refused_with_the_fix(int population, int sample, SchedulingMode mode, int batch, string named)
    {
        var bad = Config() with { PopulationSize = population, SampleSize = sample, Mode = mode, BatchSize = batch };
        var e = Assert.Throws<ArgumentException>(bad.Validate);
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
        Assert.Contains("--space spidernet", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Growth_settings_are_required_checked_and_recorded()
    {
        Assert.Contains("search.growth", Assert.Throws<ArgumentException>((Config() with { Growth = null }).Validate).Message, StringComparison.Ordinal);
        Assert.Contains("ntk-images", Assert.Throws<ArgumentException>((Config() with { Growth = new GrowthSpec(NtkImages: 2) }).Validate).Message,
            StringComparison.Ordinal);
        Assert.Contains("turn screening off", Assert.Throws<ArgumentException>(
            (Config() with { Screening = new Screening(4, ProxyKind.Surrogate) }).Validate).Message, StringComparison.Ordinal);
        Config().Validate();

        var started = new SearchStarted(Config() with { Growth = new GrowthSpec(GrowthRule.Random, MemoryBudgetMb: 300, Reinitialisations: 2) }, T0);
        var back = (SearchStarted)EventSerializer.FromBytes(EventSerializer.ToBytes(started), "search-started.v1");
        Assert.Equal(started.Config.Growth, back.Config.Growth);
        Assert.Equal(Space.Settings, back.Config.Space.SpiderNet);
        Assert.Contains("\"rule\":\"Random\"", System.Text.Encoding.UTF8.GetString(EventSerializer.ToBytes(started)), StringComparison.Ordinal);
    }
}
