using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;
using ActorNas.Core.Tabular;
using ActorNas.Core.Tests.TestSupport;
using Xunit;

namespace ActorNas.Core.Tests;

/// <summary>Hybrid evolution: ranking a parent's mutants with a proxy before one is evaluated.</summary>
public sealed class ScreeningTests
{
    private static readonly ISearchSpace Space = Nb201Space.Instance;
    private static readonly ProxyModel FlopsProxy = new(ProxyKind.Flops, []);

    private static Genotype RandomCell(long seed, long id) =>
        Mutator.RandomGenotype(Space, DeterministicRandom.For(seed, id, RandomPurpose.RandomGenotype));

    /// <summary>What screening proposes, without what it saw.</summary>
    private static (Genotype Child, Mutation Mutation) Propose(ISearchSpace space, Genotype parent, DeterministicRandom random,
        PositionWeighting weighting, Screening screening, ProxyModel? proxy)
    {
        var proposal = ChildProposer.ProposeScreened(space, parent, random, weighting, screening, proxy, scorer: null);
        return (proposal.Child, proposal.Mutation!);
    }

    private static DeterministicRandom MutationStream(long seed, long id) => DeterministicRandom.For(seed, id, RandomPurpose.Mutation);

    /// <summary>The k mutants ChildProposer draws: k plain mutations from one stream keyed like the search's.</summary>
    private static List<(Genotype Child, Mutation Mutation)> Mutants(Genotype parent, long seed, long id, int k, PositionWeighting weighting)
    {
        var random = MutationStream(seed, id);
        return Enumerable.Range(0, k).Select(_ => Mutator.Mutate(Space, parent, random, weighting)).ToList();
    }

    public static TheoryData<Screening, bool> PlainScreenings() => new()
    {
        { Screening.Off, false },
        { new Screening(1, ProxyKind.Flops), true },
        { new Screening(1, ProxyKind.Surrogate), true },
        { new Screening(1, ProxyKind.None), true },
        { new Screening(4, ProxyKind.Flops), false },   // on, but no proxy model: nothing to rank with
    };

    [Theory]
    [MemberData(nameof(PlainScreenings))]
    public void One_mutant_no_proxy_or_no_model_proposes_exactly_the_plain_mutation(Screening screening, bool withModel)
    {
        var weighting = new PositionWeighting(1.5);
        for (long id = 1; id <= 300; id++)
        {
            var parent = RandomCell(9, id);
            var expected = Mutator.Mutate(Space, parent, MutationStream(9, id), weighting);
            var actual = Propose(Space, parent, MutationStream(9, id), weighting, screening, withModel ? FlopsProxy : null);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void Screening_is_on_only_with_more_than_one_mutant_and_a_proxy()
    {
        Assert.False(Screening.Off.IsOn);
        Assert.False(new Screening(1, ProxyKind.Flops).IsOn);
        Assert.False(new Screening(5, ProxyKind.None).IsOn);
        Assert.True(new Screening(2, ProxyKind.Flops).IsOn);
        Assert.True(new Screening(2, ProxyKind.Surrogate).IsOn);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(10)]
    public void With_the_flops_proxy_the_child_is_the_first_mutant_of_maximum_FLOPs_among_the_k_drawn(int k)
    {
        var screening = new Screening(k, ProxyKind.Flops);
        var notFirst = 0;
        var strictlyBetter = 0;
        for (long id = 1; id <= 300; id++)
        {
            var parent = RandomCell(4, id);
            var mutants = Mutants(parent, 4, id, k, PositionWeighting.Uniform);
            var flops = mutants.Select(m => Nb201Skeleton.Cifar10.Cost(m.Child).Flops).ToList();
            var best = flops.IndexOf(flops.Max());   // the first of the maxima: ties go to the earlier mutant
            var actual = Propose(Space, parent, MutationStream(4, id), PositionWeighting.Uniform, screening, FlopsProxy);
            Assert.Equal(mutants[best], actual);
            if (best > 0) notFirst++;
            if (flops[best] > flops[0]) strictlyBetter++;
        }
        Assert.True(notFirst > 30, $"only {notFirst} of 300 proposals picked a mutant other than the first");
        Assert.True(strictlyBetter > 30, $"only {strictlyBetter} of 300 proposals beat the first mutant");
    }

    [Fact]
    public void A_constant_proxy_picks_the_first_mutant()
    {
        var flat = new ProxyModel(ProxyKind.Surrogate, new double[SurrogateFit.FeatureCount(Space)]);
        for (long id = 1; id <= 200; id++)
        {
            var parent = RandomCell(12, id);
            var first = Mutator.Mutate(Space, parent, MutationStream(12, id), PositionWeighting.Uniform);
            var actual = Propose(Space, parent, MutationStream(12, id), PositionWeighting.Uniform, new Screening(6, ProxyKind.Surrogate), flat);
            Assert.Equal(first, actual);
        }
    }

    [Fact]
    public void A_surrogate_proxy_picks_the_mutant_it_scores_highest()
    {
        // a surrogate that values conv3x3 at the last edge and nothing else
        var weights = new double[SurrogateFit.FeatureCount(Space)];
        weights[5 * 5 + 3] = 1.0;
        var proxy = new ProxyModel(ProxyKind.Surrogate, weights);
        var picked = 0;
        for (long id = 1; id <= 300; id++)
        {
            var parent = RandomCell(13, id).With(5, 0);
            var mutants = Mutants(parent, 13, id, 8, PositionWeighting.Uniform);
            var actual = Propose(Space, parent, MutationStream(13, id), PositionWeighting.Uniform, new Screening(8, ProxyKind.Surrogate), proxy);
            var withConv = mutants.FindIndex(m => m.Child[5] == 3);
            Assert.Equal(mutants[Math.Max(withConv, 0)], actual);
            if (withConv > 0) picked++;
        }
        Assert.True(picked > 20, $"the scored mutant came later than first in only {picked} of 300 proposals");
    }

    [Fact]
    public void ProxyModel_For_gives_a_model_only_when_screening_is_on_and_there_is_something_to_fit()
    {
        Member M(long id, int cell, double y) => new(id, Nb201Table.CellAt(cell), y);
        IReadOnlyList<Member> two = [M(1, 5, 0.5), M(2, 900, 0.7)];
        Assert.Null(ProxyModel.For(Screening.Off, Space, two));
        Assert.Null(ProxyModel.For(new Screening(1, ProxyKind.Flops), Space, two));
        Assert.Equal(ProxyKind.Flops, ProxyModel.For(new Screening(3, ProxyKind.Flops), Space, [])!.Kind);
        Assert.Null(ProxyModel.For(new Screening(3, ProxyKind.Surrogate), Space, []));
        Assert.Null(ProxyModel.For(new Screening(3, ProxyKind.Surrogate), Space, [M(1, 5, 0.5)]));
        var model = ProxyModel.For(new Screening(3, ProxyKind.Surrogate), Space, two)!;
        Assert.Equal(ProxyKind.Surrogate, model.Kind);
        Assert.Equal(30, model.Weights.Count);
        Assert.True(model.Score(Space, two[1].Genotype) > model.Score(Space, two[0].Genotype));
        Assert.Equal(Nb201Skeleton.Cifar10.Cost(two[1].Genotype).Flops, FlopsProxy.Score(Space, two[1].Genotype));
    }

    // ------------------------------------------------------------------ validation

    private static readonly SearchSpaceSpec Nb201 = new(Nb201Space.SpaceName);
    private static readonly SearchSpaceSpec Sequential = new(SequentialSpace.SpaceName);

    [Fact]
    public void Validate_accepts_the_meaningful_combinations()
    {
        Screening.Off.Validate(Nb201);
        Screening.Off.Validate(Sequential);
        new Screening(1, ProxyKind.Flops).Validate(Nb201);
        new Screening(8, ProxyKind.Flops).Validate(Nb201);
        new Screening(8, ProxyKind.Surrogate).Validate(Nb201);
        new Screening(8, ProxyKind.Surrogate).Validate(Sequential);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Validate_rejects_fewer_than_one_mutant(int mutants)
    {
        var e = Assert.Throws<ArgumentException>(() => new Screening(mutants, ProxyKind.Flops).Validate(Nb201));
        Assert.Contains(">= 1", e.Message, StringComparison.Ordinal);
        Assert.Contains(mutants.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_rejects_several_mutants_without_a_proxy()
    {
        var e = Assert.Throws<ArgumentException>(() => new Screening(4, ProxyKind.None).Validate(Nb201));
        Assert.Contains("proxy", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_rejects_the_flops_proxy_on_the_sequential_space_and_a_search_config_does_too()
    {
        var e = Assert.Throws<ArgumentException>(() => new Screening(4, ProxyKind.Flops).Validate(Sequential));
        Assert.Contains("nb201", e.Message, StringComparison.Ordinal);
        Assert.Contains("sequential", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new Screening(1, ProxyKind.Flops).Validate(Sequential));

        var config = new SearchSettings { Space = Sequential, PopulationSize = 10, SampleSize = 3, Screening = new Screening(4, ProxyKind.Flops) };
        Assert.Throws<ArgumentException>(config.Validate);
        (config with { Screening = new Screening(4, ProxyKind.Surrogate) }).Validate();
        Assert.Throws<ArgumentException>((config with { Space = Nb201, Screening = new Screening(0) }).Validate);
    }
}

/// <summary>The surrogate: ridge regression of the objective on one-hot genotype features.</summary>
public sealed class SurrogateFitTests
{
    /// <summary>A true additive objective: one weight per (position, value), well separated.</summary>
    private static double[] TrueWeights(ISearchSpace space, ulong seed)
    {
        var random = new DeterministicRandom(seed);
        return Enumerable.Range(0, SurrogateFit.FeatureCount(space)).Select(_ => 4 * random.NextDouble() - 2).ToArray();
    }

    private static double TrueObjective(ISearchSpace space, double[] weights, Genotype g)
    {
        double y = 10, offset = 0;
        for (var p = 0; p < space.Length; p++)
        {
            y += weights[(int)offset + g[p]];
            offset += space.ChoicesAt(p);
        }
        return y;
    }

    private static List<Genotype> RandomGenotypes(ISearchSpace space, long seed, int count) =>
        Enumerable.Range(1, count).Select(i => Mutator.RandomGenotype(space, DeterministicRandom.For(seed, i, RandomPurpose.RandomGenotype))).ToList();

    private static double Spearman(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        static double[] Ranks(IReadOnlyList<double> x)
        {
            var order = Enumerable.Range(0, x.Count).OrderBy(i => x[i]).ToArray();
            var ranks = new double[x.Count];
            for (var r = 0; r < order.Length; r++) ranks[order[r]] = r;
            return ranks;
        }
        var ra = Ranks(a);
        var rb = Ranks(b);
        var n = (double)a.Count;
        var d2 = ra.Zip(rb, (x, y) => (x - y) * (x - y)).Sum();
        return 1 - 6 * d2 / (n * (n * n - 1));
    }

    public static TheoryData<string> Spaces() => ["nb201", "fixed", "sequential"];

    private static ISearchSpace SpaceNamed(string name) => name switch
    {
        "nb201" => Nb201Space.Instance,
        "fixed" => new FixedChoicesSpace(2, 7, 3, 1, 4, 5, 2),
        _ => new SequentialSpace(new SequentialSpaceSettings { Layers = 4 }),
    };

    [Theory]
    [MemberData(nameof(Spaces))]
    public void On_an_exactly_additive_objective_the_surrogate_ranks_genotypes_like_the_truth(string spaceName)
    {
        var space = SpaceNamed(spaceName);
        var truth = TrueWeights(space, 77);
        // about 15 observations per feature (at least 150 members): enough for the ridge to shrink only a little
        var population = RandomGenotypes(space, 1, Math.Max(150, 15 * SurrogateFit.FeatureCount(space)))
            .Select((g, i) => new Member(i + 1, g, TrueObjective(space, truth, g))).ToList();

        var weights = SurrogateFit.Fit(space, population)!;
        Assert.Equal(SurrogateFit.FeatureCount(space), weights.Length);

        var probe = RandomGenotypes(space, 2, 400);
        var predicted = probe.Select(g => SurrogateFit.Predict(space, weights, g)).ToList();
        var actual = probe.Select(g => TrueObjective(space, truth, g)).ToList();
        var rho = Spearman(predicted, actual);
        Assert.True(rho > 0.95, $"Spearman {rho:F3} between surrogate and truth");

        // pairs whose true objectives are clearly apart are ordered correctly (the ridge only shrinks)
        var pairs = 0;
        for (var i = 0; i < probe.Count; i++)
            for (var j = i + 1; j < probe.Count; j++)
            {
                if (Math.Abs(actual[i] - actual[j]) < 1.5) continue;
                pairs++;
                Assert.True(Math.Sign(predicted[i] - predicted[j]) == Math.Sign(actual[i] - actual[j]),
                    $"{probe[i]} (true {actual[i]:F2}, predicted {predicted[i]:F2}) vs {probe[j]} (true {actual[j]:F2}, predicted {predicted[j]:F2})");
            }
        Assert.True(pairs > 1_000, $"only {pairs} clearly separated pairs");
    }

    [Fact]
    public void The_fit_of_a_large_population_approaches_the_true_differences_between_choices()
    {
        var space = Nb201Space.Instance;
        var truth = TrueWeights(space, 5);
        var population = RandomGenotypes(space, 3, 2_000)
            .Select((g, i) => new Member(i + 1, g, TrueObjective(space, truth, g))).ToList();
        var weights = SurrogateFit.Fit(space, population)!;
        // within one position only differences are identifiable; the ridge shrinks them by a few percent at most
        for (var p = 0; p < 6; p++)
            for (var v = 1; v < 5; v++)
            {
                var trueDiff = truth[p * 5 + v] - truth[p * 5];
                var fitDiff = weights[p * 5 + v] - weights[p * 5];
                Assert.InRange(fitDiff, trueDiff - 0.05 - 0.05 * Math.Abs(trueDiff), trueDiff + 0.05 + 0.05 * Math.Abs(trueDiff));
            }
    }

    [Fact]
    public void Fewer_than_two_members_give_no_surrogate()
    {
        var space = Nb201Space.Instance;
        Assert.Null(SurrogateFit.Fit(space, []));
        Assert.Null(SurrogateFit.Fit(space, [new Member(1, new Genotype([1, 2, 3, 4, 0, 1]), 0.5)]));
        Assert.NotNull(SurrogateFit.Fit(space, [new Member(1, new Genotype([1, 2, 3, 4, 0, 1]), 0.5), new Member(2, new Genotype([1, 2, 3, 4, 0, 2]), 0.9)]));
    }

    [Fact]
    public void A_constant_objective_fits_all_zero_weights_and_identical_members_fit_finite_weights()
    {
        var space = Nb201Space.Instance;
        var flat = RandomGenotypes(space, 4, 30).Select((g, i) => new Member(i + 1, g, 0.7)).ToList();
        Assert.All(SurrogateFit.Fit(space, flat)!, w => Assert.Equal(0, w, 12));

        var g0 = new Genotype([3, 3, 3, 3, 3, 3]);
        var same = SurrogateFit.Fit(space, [new Member(1, g0, 0.1), new Member(2, g0, 0.9)])!;
        Assert.All(same, w => Assert.True(double.IsFinite(w)));
    }

    [Fact]
    public void FeatureCount_is_the_sum_of_the_choices_per_position()
    {
        Assert.Equal(30, SurrogateFit.FeatureCount(Nb201Space.Instance));
        Assert.Equal(2 + 7 + 3 + 1, SurrogateFit.FeatureCount(new FixedChoicesSpace(2, 7, 3, 1)));
    }
}
