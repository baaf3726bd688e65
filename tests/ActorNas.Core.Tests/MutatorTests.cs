using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;
using ActorNas.Core.Tests.TestSupport;
using CsCheck;
using Xunit;

namespace ActorNas.Core.Tests;

public sealed class MutatorTests
{
    [Fact]
    public void A_mutation_changes_exactly_one_position_to_another_valid_value_and_says_which() =>
        Gen.Select(Generators.SpaceAndGenotype, Gen.ULong, Gen.Int[0, 4]).Sample((x, seed, bias) =>
        {
            var (space, parent) = x;
            var before = parent.ToArray();
            var (child, m) = Mutator.Mutate(space, parent, new DeterministicRandom(seed), new PositionWeighting(bias));

            var changed = Enumerable.Range(0, space.Length).Where(i => child[i] != parent[i]).ToList();
            Assert.Equal(new[] { m.Position }, changed);
            Assert.Equal(parent[m.Position], m.From);
            Assert.Equal(child[m.Position], m.To);
            Assert.NotEqual(m.From, m.To);
            Assert.InRange(m.To, 0, space.ChoicesAt(m.Position) - 1);
            space.Validate(child);
            Assert.Equal(before, parent.ToArray());

            var again = Mutator.Mutate(space, parent, new DeterministicRandom(seed), new PositionWeighting(bias));
            Assert.Equal(child, again.Child);
            Assert.Equal(m, again.Mutation);
        }, iter: 300);

    [Fact]
    public void Every_position_and_every_other_value_is_reachable()
    {
        var parent = new Genotype([0, 1, 2, 3, 4, 0]);
        var seen = new HashSet<(int, int)>();
        for (var id = 1; id <= 3_000; id++)
        {
            var (_, m) = Mutator.Mutate(Nb201Space.Instance, parent, DeterministicRandom.For(1, id, RandomPurpose.Mutation));
            seen.Add((m.Position, m.To));
        }
        Assert.Equal(6 * 4, seen.Count);
        Assert.DoesNotContain(seen, s => parent[s.Item1] == s.Item2);
    }

    [Fact]
    public void Positions_with_a_single_choice_are_never_mutated()
    {
        var space = new FixedChoicesSpace(1, 3, 1, 2, 1);
        var parent = new Genotype([0, 2, 0, 1, 0]);
        var positions = new HashSet<int>();
        for (var id = 1; id <= 500; id++)
        {
            var (child, m) = Mutator.Mutate(space, parent, DeterministicRandom.For(9, id, RandomPurpose.Mutation), new PositionWeighting(2));
            positions.Add(m.Position);
            space.Validate(child);
        }
        Assert.Equal(new[] { 1, 3 }, positions.Order());
    }

    [Fact]
    public void A_space_without_any_choice_cannot_be_mutated()
    {
        var space = new FixedChoicesSpace(1, 1);
        var error = Assert.Throws<InvalidOperationException>(() => Mutator.Mutate(space, new Genotype([0, 0]), new DeterministicRandom(1)));
        Assert.Contains("no position with two or more choices", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Nb201Space.SpaceName)]
    [InlineData(SequentialSpace.SpaceName)]
    public void A_later_bias_moves_mutations_towards_later_positions(string spaceName)
    {
        var space = new SearchSpaceSpec(spaceName).Create();
        var parent = Mutator.RandomGenotype(space, new DeterministicRandom(11));
        double MeanPosition(PositionWeighting w) => Enumerable.Range(1, 4_000)
            .Select(id => Mutator.Mutate(space, parent, DeterministicRandom.For(5, id, RandomPurpose.Mutation), w).Mutation.Position)
            .Average();

        var uniform = MeanPosition(PositionWeighting.Uniform);
        var biased = MeanPosition(new PositionWeighting(LaterBias: 3));
        var middle = (space.Length - 1) / 2.0;
        Assert.InRange(uniform, middle - 0.1 * space.Length, middle + 0.1 * space.Length);
        Assert.True(biased > uniform + 0.2 * space.Length, $"biased mean {biased} vs uniform {uniform}");
    }

    [Fact]
    public void The_later_bias_weights_are_position_plus_one_to_the_power_of_the_bias()
    {
        // NB201, bias 3: weights 1, 8, 27, 64, 125, 216 (sum 441), so the last edge is drawn 49% of the time
        var parent = new Genotype([0, 0, 0, 0, 0, 0]);
        var counts = new int[6];
        for (var id = 1; id <= 20_000; id++)
            counts[Mutator.Mutate(Nb201Space.Instance, parent, DeterministicRandom.For(8, id, RandomPurpose.Mutation), new PositionWeighting(3)).Mutation.Position]++;
        double[] expected = [1 / 441.0, 8 / 441.0, 27 / 441.0, 64 / 441.0, 125 / 441.0, 216 / 441.0];
        for (var i = 0; i < 6; i++) Assert.InRange(counts[i] / 20_000.0, expected[i] - 0.015, expected[i] + 0.015);
    }

    [Theory]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Bad_weightings_are_refused(double bias)
    {
        var error = Assert.Throws<ArgumentException>(new PositionWeighting(bias).Validate);
        Assert.Contains("later-bias", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Good_weightings_are_accepted()
    {
        PositionWeighting.Uniform.Validate();
        new PositionWeighting(3).Validate();
        Assert.Equal(0, PositionWeighting.Uniform.LaterBias);
    }

    [Fact]
    public void Random_genotypes_are_valid_deterministic_and_cover_every_value() =>
        Gen.Select(Generators.Space, Gen.ULong).Sample((space, seed) =>
        {
            var g = Mutator.RandomGenotype(space, new DeterministicRandom(seed));
            space.Validate(g);
            Assert.Equal(g, Mutator.RandomGenotype(space, new DeterministicRandom(seed)));
        }, iter: 200);

    [Fact]
    public void Random_genotypes_use_every_value_of_every_position()
    {
        var space = new SequentialSpace();
        var seen = Enumerable.Range(0, space.Length).Select(_ => new HashSet<int>()).ToArray();
        for (var id = 1; id <= 500; id++)
        {
            var g = Mutator.RandomGenotype(space, DeterministicRandom.For(1, id, RandomPurpose.RandomGenotype));
            for (var i = 0; i < g.Length; i++) seen[i].Add(g[i]);
        }
        for (var i = 0; i < space.Length; i++) Assert.Equal(space.ChoicesAt(i), seen[i].Count);
    }
}
