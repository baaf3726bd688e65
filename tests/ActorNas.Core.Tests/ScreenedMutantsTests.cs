using System.Text;
using ActorNas.Core.Events;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;
using ActorNas.Core.Tests.TestSupport;
using Xunit;

namespace ActorNas.Core.Tests;

/// <summary>Hybrid evolution with a proxy scored outside Core (naswot), and what the log records of screening.</summary>
public sealed class ScreenedMutantsTests
{
    private static readonly ISearchSpace Space = Nb201Space.Instance;
    private static readonly Genotype Parent = new([3, 1, 2, 0, 4, 1]);

    [Fact]
    public void An_external_scorer_ranks_the_mutants_and_every_score_is_recorded_in_draw_order()
    {
        var screening = new Screening(5, ProxyKind.Naswot);
        var proxy = new ProxyModel(ProxyKind.Naswot, []);
        // score = the sum of the values: a mutant that raises a value wins
        double Score(Genotype g) => g.Sum();
        var proposal = ChildProposer.ProposeScreened(Space, Parent, DeterministicRandom.For(9, 42, RandomPurpose.Mutation),
            PositionWeighting.Uniform, screening, proxy, Score);

        var random = DeterministicRandom.For(9, 42, RandomPurpose.Mutation);
        var mutants = Enumerable.Range(0, 5).Select(_ => Mutator.Mutate(Space, Parent, random)).ToList();
        var screened = Assert.IsType<ScreenedMutants>(proposal.Screened);
        Assert.Equal(mutants.Select(m => Score(m.Child)), screened.Scores);
        var best = mutants.Select((m, i) => (Score(m.Child), i)).MaxBy(x => x.Item1).i;   // first of the ties
        Assert.Equal(mutants.FindIndex(m => Score(m.Child) == Score(mutants[best].Child)), screened.Chosen);
        Assert.Equal(mutants[screened.Chosen].Child, proposal.Child);
        Assert.Equal(mutants[screened.Chosen].Mutation, proposal.Mutation);
    }

    /// <summary>Screens 6 mutants with a raw metric = the sum of the values, and returns the mutants, the raw metrics and the proposal.</summary>
    private static (List<Genotype> Mutants, List<double> Raw, ChildProposal Proposal) ScreenBySum(ProxyKind kind)
    {
        var mutants = new List<Genotype>();
        var raw = new List<double>();
        double Metric(Genotype g)
        {
            mutants.Add(g);
            raw.Add(g.Sum());
            return g.Sum();
        }
        var proposal = ChildProposer.ProposeScreened(Space, Parent, DeterministicRandom.For(9, 43, RandomPurpose.Mutation),
            PositionWeighting.Uniform, new Screening(6, kind), new ProxyModel(kind, []), Metric);
        return (mutants, raw, proposal);
    }

    [Fact]
    public void The_ntk_proxy_prefers_the_lowest_condition_number_and_records_minus_kappa()
    {
        var (mutants, raw, proposal) = ScreenBySum(ProxyKind.Ntk);
        var screened = Assert.IsType<ScreenedMutants>(proposal.Screened);
        Assert.Equal(6, mutants.Count);
        Assert.Equal(raw.Select(k => -k), screened.Scores);
        Assert.True(raw.Distinct().Count() > 1, "the draw should give mutants with different metrics, or the test shows nothing");
        Assert.Equal(raw.IndexOf(raw.Min()), screened.Chosen);   // the first of the lowest kappas
        Assert.Equal(mutants[screened.Chosen], proposal.Child);
        Assert.True(ProxyModel.NeedsScorerFor(ProxyKind.Ntk));
    }

    [Fact]
    public void The_linear_regions_proxy_prefers_the_most_regions_and_records_the_count()
    {
        var (mutants, raw, proposal) = ScreenBySum(ProxyKind.LinearRegions);
        var screened = Assert.IsType<ScreenedMutants>(proposal.Screened);
        Assert.Equal(raw, screened.Scores);
        Assert.True(raw.Distinct().Count() > 1, "the draw should give mutants with different metrics, or the test shows nothing");
        Assert.Equal(raw.IndexOf(raw.Max()), screened.Chosen);
        Assert.Equal(mutants[screened.Chosen], proposal.Child);
        Assert.True(ProxyModel.NeedsScorerFor(ProxyKind.LinearRegions));
        // the same draw, ranked the other way: ntk and linear-regions choose differently from the same raw metric
        var (_, _, ntk) = ScreenBySum(ProxyKind.Ntk);
        Assert.NotEqual(screened.Chosen, ntk.Screened!.Chosen);
    }

    [Theory]
    [InlineData(ProxyKind.Ntk, "ntk")]
    [InlineData(ProxyKind.LinearRegions, "linear-regions")]
    public void The_train_free_proxies_need_a_scorer_and_say_so_by_name(ProxyKind kind, string name)
    {
        var e = Assert.Throws<InvalidOperationException>(() => ChildProposer.ProposeScreened(Space, Parent,
            DeterministicRandom.For(1, 2, RandomPurpose.Mutation), PositionWeighting.Uniform, new Screening(3, kind),
            new ProxyModel(kind, []), scorer: null));
        Assert.Contains($"the {name} proxy needs a scorer", e.Message, StringComparison.Ordinal);
        var model = ProxyModel.For(new Screening(3, kind), Space, []);
        Assert.Equal(kind, model!.Kind);
        Assert.True(model.NeedsScorer);
    }

    [Fact]
    public void A_proxy_that_needs_a_scorer_refuses_to_guess_without_one()
    {
        var e = Assert.Throws<InvalidOperationException>(() => ChildProposer.ProposeScreened(Space, Parent,
            DeterministicRandom.For(1, 2, RandomPurpose.Mutation), PositionWeighting.Uniform, new Screening(3, ProxyKind.Naswot),
            new ProxyModel(ProxyKind.Naswot, []), scorer: null));
        Assert.Contains("scorer", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plain_evolution_records_no_screening()
    {
        var proposal = ChildProposer.ProposeScreened(Space, Parent, DeterministicRandom.For(1, 2, RandomPurpose.Mutation),
            PositionWeighting.Uniform, Screening.Off, proxy: null, scorer: null);
        Assert.Null(proposal.Screened);
    }

    [Fact]
    public void The_screened_scores_round_trip_through_the_log_and_old_proposals_read_without_them()
    {
        var proposed = new CandidateProposed(7, 6, Parent, new Mutation(2, 6, 1), [1, 2, 6], 0, DateTimeOffset.UnixEpoch,
            new ScreenedMutants([481.5, 498.75, double.NegativeInfinity], 1));
        var bytes = EventSerializer.ToBytes(proposed);
        var back = (CandidateProposed)EventSerializer.FromBytes(bytes, EventSerializer.ManifestOf(proposed));
        Assert.Equal(proposed.Screened!.Scores, back.Screened!.Scores);
        Assert.Equal(1, back.Screened.Chosen);

        const string old = """{"id":7,"parentId":6,"genotype":[3,1,2,0,4,1],"mutation":{"position":2,"from":6,"to":1},"tournament":[1,2,6],"batch":0,"at":"2026-11-24T10:00:00+00:00"}""";
        var legacy = (CandidateProposed)EventSerializer.FromBytes(Encoding.UTF8.GetBytes(old), "candidate-proposed.v1");
        Assert.Null(legacy.Screened);
    }

    [Fact]
    public void Without_a_scorer_the_state_falls_back_to_the_plain_mutation_plain_evolution_would_draw()
    {
        var config = new SearchSettings
        {
            Space = new SearchSpaceSpec(Nb201Space.SpaceName), PopulationSize = 2, SampleSize = 2, Budget = 10, Seed = 3,
            Screening = new Screening(4, ProxyKind.Naswot),
        };
        var state = new SearchState();
        foreach (var e in state.Start(config, DateTimeOffset.UnixEpoch)) state.Apply(e);
        for (var i = 0; i < 2; i++)
        {
            var assign = Assert.IsType<AssignCandidate>(state.Assign("w", "n", DateTimeOffset.UnixEpoch));
            foreach (var e in assign.Events) state.Apply(e);
            foreach (var e in state.Complete(assign.Candidate.Id, new Evaluation.EvaluationResult(i), DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, "w", "n"))
                state.Apply(e);
        }
        var need = Assert.IsType<MutationNeeded>(state.Assign("w", "n", DateTimeOffset.UnixEpoch));
        Assert.True(need.Reservation.Proxy!.NeedsScorer);

        // no child given: the state draws it itself, without a scorer
        var proposal = Assert.IsType<AssignCandidate>(state.Decide(new ProposeChild(need.Reservation.Id, DateTimeOffset.UnixEpoch)));
        var child = Assert.Single(proposal.Events.OfType<CandidateProposed>());
        var plain = Mutator.Mutate(Space, need.Reservation.Parent, DeterministicRandom.For(3, need.Reservation.Id, RandomPurpose.Mutation));
        Assert.Equal(plain.Child, child.Genotype);
        Assert.Null(child.Screened);
        Assert.Throws<InvalidOperationException>(() =>
            ChildProposer.ChildOf(config, Space, need.Reservation.Id, need.Reservation.Parent, need.Reservation.Proxy, scorer: null));
    }
}
