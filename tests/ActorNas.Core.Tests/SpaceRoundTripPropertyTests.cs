using ActorNas.Core.Spaces;
using ActorNas.Core.Tests.TestSupport;
using CsCheck;
using Xunit;

namespace ActorNas.Core.Tests;

/// <summary>Format and Parse are inverse for every space: NB201, the default sequential space, and random small ones.</summary>
public sealed class SpaceRoundTripPropertyTests
{
    [Fact]
    public void Parse_of_Format_is_the_identity() =>
        Generators.SpaceAndGenotype.Sample(x =>
        {
            var text = x.Space.Format(x.Genotype);
            Assert.Equal(x.Genotype, x.Space.Parse(text));
            Assert.Equal(x.Genotype, x.Space.ParseAny(text));
            Assert.Equal(text, x.Space.Format(x.Space.Parse(text)));
        }, iter: 300);

    [Fact]
    public void ParseSequence_of_the_integer_form_is_the_identity() =>
        Generators.SpaceAndGenotype.Sample(x =>
        {
            Assert.Equal(x.Genotype, x.Space.ParseSequence(x.Genotype.ToString()));
            Assert.Equal(x.Genotype, x.Space.ParseAny(x.Genotype.ToString()));
        }, iter: 300);

    [Fact]
    public void Generated_genotypes_are_valid_and_distinct_genotypes_print_differently() =>
        Generators.Space
            .SelectMany(space => Gen.Select(Generators.GenotypeOf(space), Generators.GenotypeOf(space)).Select(p => (space, p.Item1, p.Item2)))
            .Sample(x =>
            {
                var (space, a, b) = x;
                space.Validate(a);
                Assert.Equal(space.Length, a.Length);
                Assert.Equal(a.Equals(b), space.Format(a) == space.Format(b));
            }, iter: 300);

    [Fact]
    public void A_value_out_of_range_at_any_position_is_refused() =>
        Generators.SpaceAndGenotype
            .SelectMany(x => Gen.Select(Gen.Int[0, x.Space.Length - 1], Gen.Bool).Select(p => (x.Space, x.Genotype, p.Item1, p.Item2)))
            .Sample(x =>
            {
                var (space, genotype, position, above) = x;
                var bad = genotype.With(position, above ? space.ChoicesAt(position) : -1);
                var error = Assert.Throws<GenotypeFormatException>(() => space.Format(bad));
                Assert.Contains($"position {position}", error.Message, StringComparison.Ordinal);
                Assert.Throws<GenotypeFormatException>(() => space.ParseSequence(bad.ToString()));
            }, iter: 200);

    [Fact]
    public void Random_sequential_options_are_accepted_and_the_space_layout_follows_them() =>
        Generators.SequentialOptions.Sample(options =>
        {
            var space = new SequentialSpace(options);
            Assert.Equal(2 * options.Layers, space.Length);
            for (var layer = 0; layer < options.Layers; layer++)
            {
                Assert.Equal(1 + options.Units.Count * options.Activations.Count, space.ChoicesAt(2 * layer));
                Assert.Equal(1 + Math.Min(3, layer + 1), space.ChoicesAt(2 * layer + 1));
            }
            var decoded = Enumerable.Range(1, space.OperationChoices - 1).Select(v => space.Operation(v)!.Value).ToList();
            Assert.Equal(decoded.Count, decoded.Distinct().Count());
            Assert.All(decoded, d => Assert.Contains(d.Units, options.Units));
            Assert.All(decoded, d => Assert.Contains(d.Activation, options.Activations));
        }, iter: 200);
}
