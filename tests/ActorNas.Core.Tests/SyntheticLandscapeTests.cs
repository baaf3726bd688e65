using ActorNas.Core.Evaluation;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;
using ActorNas.Core.Tests.TestSupport;
using CsCheck;
using Xunit;

namespace ActorNas.Core.Tests;

/// <summary>The synthetic objective: seeded, in (0, 1), and an NK landscape with K = 1 (neighbours score alike).</summary>
public sealed class SyntheticLandscapeTests
{
    [Fact]
    public void Landscapes_are_seeded_and_score_in_the_open_unit_interval() =>
        Generators.SpaceAndGenotype.Sample(x =>
        {
            var score = new SyntheticLandscape(x.Space, 5).Score(x.Genotype);
            Assert.True(score > 0 && score < 1, $"score {score}");
            Assert.Equal(score, new SyntheticLandscape(x.Space, 5).Score(x.Genotype));
        }, iter: 200);

    [Fact]
    public void Different_landscape_seeds_give_different_landscapes()
    {
        var space = new SequentialSpace();
        var a = new SyntheticLandscape(space, 1);
        var b = new SyntheticLandscape(space, 2);
        var differing = Enumerable.Range(1, 100)
            .Select(id => Mutator.RandomGenotype(space, new DeterministicRandom((ulong)id)))
            .Count(g => a.Score(g) != b.Score(g));
        Assert.Equal(100, differing);
    }

    [Theory]
    [InlineData(Nb201Space.SpaceName)]
    [InlineData(SequentialSpace.SpaceName)]
    public void Neighbours_one_mutation_apart_score_closer_than_random_pairs(string spaceName)
    {
        var space = new SearchSpaceSpec(spaceName).Create();
        var landscape = new SyntheticLandscape(space, 99);
        double neighbours = 0, randomPairs = 0;
        const int n = 2_000;
        for (var i = 1; i <= n; i++)
        {
            var g = Mutator.RandomGenotype(space, DeterministicRandom.For(7, i, RandomPurpose.RandomGenotype));
            var (child, _) = Mutator.Mutate(space, g, DeterministicRandom.For(7, i, RandomPurpose.Mutation));
            var other = Mutator.RandomGenotype(space, DeterministicRandom.For(8, i, RandomPurpose.RandomGenotype));
            neighbours += Math.Abs(landscape.Score(g) - landscape.Score(child));
            randomPairs += Math.Abs(landscape.Score(g) - landscape.Score(other));
        }
        Assert.True(neighbours < 0.7 * randomPairs, $"mean |diff|: neighbours {neighbours / n}, random pairs {randomPairs / n}");
        Assert.True(neighbours > 0, "a mutation never changed the score");
    }

    private static double Logit(double p) => Math.Log(p / (1 - p));

    /// <summary>
    /// K = 1: positions interact only with their neighbours, so in logit space the effect of changing position i does not
    /// depend on the value of a position j two or more away; adjacent positions do interact (through the pair terms).
    /// </summary>
    [Fact]
    public void Only_adjacent_positions_interact()
    {
        var coverage = new Coverage();
        Generators.SpaceAndGenotype.Where(x => x.Space.Length >= 3)
            .SelectMany(x => Gen.Select(Gen.Int[0, x.Space.Length - 1], Gen.Int[0, x.Space.Length - 1], Gen.Int[1, 1000], Gen.Int[1, 1000])
                .Select(t => (x.Space, x.Genotype, t.Item1, t.Item2, t.Item3, t.Item4)))
            .Where(x => x.Item3 != x.Item4)
            .Sample(x =>
            {
                var (space, g, i, j, da, db) = x;
                var landscape = new SyntheticLandscape(space, 21);
                var a2 = (g[i] + da % (space.ChoicesAt(i) - 1) + 1) % space.ChoicesAt(i);   // another value at i
                var b2 = (g[j] + db % (space.ChoicesAt(j) - 1) + 1) % space.ChoicesAt(j);   // another value at j
                double L(Genotype genotype) => Logit(landscape.Score(genotype));
                var effectOfI = L(g.With(i, a2)) - L(g);
                var h = g.With(j, b2);
                var effectOfIGivenJ = L(h.With(i, a2)) - L(h);
                var interaction = Math.Abs(effectOfI - effectOfIGivenJ);
                if (Math.Abs(i - j) >= 2)
                {
                    Assert.True(interaction < 1e-9, $"positions {i} and {j} interact by {interaction}");
                    coverage.Hit("distant");
                }
                else if (interaction > 1e-6) coverage.Hit("adjacent interaction");
            }, iter: 300);
        coverage.Require("distant", "adjacent interaction");
    }
}
