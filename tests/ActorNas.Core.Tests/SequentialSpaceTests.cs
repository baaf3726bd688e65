using ActorNas.Core.Spaces;
using Xunit;

namespace ActorNas.Core.Tests;

public sealed class SequentialSpaceTests
{
    /// <summary>3 layers, op values: 0 identity, 1 dense:16:relu, 2 dense:16:tanh, 3 dense:32:relu, 4 dense:32:tanh.</summary>
    private static readonly SequentialSpace Small = new(new SequentialSpaceSettings { Layers = 3, Units = [16, 32], Activations = ["relu", "tanh"] });

    [Fact]
    public void Default_space_has_an_operation_and_a_skip_position_per_layer()
    {
        var space = new SequentialSpace();
        Assert.Equal("sequential", space.Name);
        Assert.Equal(10, space.Settings.Layers);
        Assert.Equal(20, space.Length);
        Assert.Equal(1 + 6 * 3, space.OperationChoices);
        var expectedSkips = new[] { 2, 3, 4, 4, 4, 4, 4, 4, 4, 4 };
        for (var layer = 0; layer < 10; layer++)
        {
            Assert.Equal(19, space.ChoicesAt(2 * layer));
            Assert.Equal(expectedSkips[layer], space.ChoicesAt(2 * layer + 1));
            Assert.Equal(Math.Min(3, layer + 1), SequentialSpace.SkipReach(layer));
        }
        Assert.InRange(space.Size() / (Math.Pow(19, 10) * 2 * 3 * Math.Pow(4, 8)), 1 - 1e-12, 1 + 1e-12);
    }

    [Fact]
    public void Operation_values_enumerate_widths_then_activations_after_identity()
    {
        Assert.Null(Small.Operation(0));
        Assert.Equal((16, "relu"), Small.Operation(1));
        Assert.Equal((16, "tanh"), Small.Operation(2));
        Assert.Equal((32, "relu"), Small.Operation(3));
        Assert.Equal((32, "tanh"), Small.Operation(4));
        Assert.Equal(5, Small.OperationChoices);
        Assert.Equal(new[] { 5, 2, 5, 3, 5, 4 }, Enumerable.Range(0, Small.Length).Select(Small.ChoicesAt));
    }

    [Theory]
    [InlineData("dense:32:tanh/zero|identity/skip:2|dense:16:tanh/skip:3", new[] { 4, 0, 0, 2, 2, 3 })]
    [InlineData("identity/zero|identity/zero|identity/zero", new[] { 0, 0, 0, 0, 0, 0 })]
    [InlineData("dense:16:relu/skip:1|dense:32:relu/skip:1|dense:32:tanh/skip:2", new[] { 1, 1, 3, 1, 4, 2 })]
    public void Known_strings_parse_and_format_back(string text, int[] values)
    {
        var genotype = Small.Parse(text);
        Assert.Equal(values, genotype.ToArray());
        Assert.Equal(text, Small.Format(genotype));
        Assert.Equal(genotype, Small.ParseAny(text));
        Assert.Equal(genotype, Small.ParseAny(string.Join(',', values)));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 0)]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    [InlineData(5, 4)]
    public void A_change_keeps_the_layers_before_its_layer(int position, int prefix)
    {
        ISearchSpace space = Small;
        Assert.Equal(prefix, space.TransferablePrefixLength(position));
        Assert.Equal(Enumerable.Range(prefix, 6 - prefix), space.InvalidatedBy(position));
        Assert.Contains(position, space.InvalidatedBy(position));
    }

    [Fact]
    public void In_the_default_space_a_skip_change_invalidates_its_own_layer_and_all_downstream()
    {
        ISearchSpace space = new SequentialSpace();
        for (var p = 0; p < space.Length; p++)
        {
            var layerStart = p / 2 * 2;
            Assert.Equal(layerStart, space.TransferablePrefixLength(p));
            Assert.Equal(Enumerable.Range(layerStart, space.Length - layerStart), space.InvalidatedBy(p));
        }
    }

    [Theory]
    [InlineData("", "expected 3 layers separated by '|', found 1")]
    [InlineData("dense:32:tanh/zero|identity/skip:2", "expected 3 layers separated by '|', found 2")]
    [InlineData("identity/zero|identity/zero|identity/zero|identity/zero", "found 4")]
    [InlineData("dense:32:tanh|identity/skip:2|identity/zero", "layer 0 \"dense:32:tanh\" must be <operation>/<skip>")]
    [InlineData("identity/zero|identity/zero/zero|identity/zero", "layer 1 \"identity/zero/zero\" must be <operation>/<skip>")]
    [InlineData("conv:32:tanh/zero|identity/zero|identity/zero", "layer 0 operation \"conv:32:tanh\" must be identity or dense:<units>:<activation>")]
    [InlineData("identity/zero|dense:32/zero|identity/zero", "layer 1 operation \"dense:32\" must be identity")]
    [InlineData("Identity/zero|identity/zero|identity/zero", "layer 0 operation \"Identity\"")]
    [InlineData("identity/zero|identity/zero|dense:48:tanh/zero", "layer 2 width \"48\" is not one of 16, 32")]
    [InlineData("dense:+32:tanh/zero|identity/zero|identity/zero", "layer 0 width \"+32\" is not one of 16, 32")]
    [InlineData("dense:x:tanh/zero|identity/zero|identity/zero", "layer 0 width \"x\"")]
    [InlineData("dense:32:gelu/zero|identity/zero|identity/zero", "layer 0 activation \"gelu\" is not one of relu, tanh")]
    [InlineData("identity/skip:2|identity/zero|identity/zero", "layer 0 skip \"skip:2\" must be zero or skip:<k> with k in 1..1")]
    [InlineData("identity/zero|identity/skip:0|identity/zero", "layer 1 skip \"skip:0\" must be zero or skip:<k> with k in 1..2")]
    [InlineData("identity/zero|identity/zero|identity/skip:4", "layer 2 skip \"skip:4\" must be zero or skip:<k> with k in 1..3")]
    [InlineData("identity/zero|identity/skip:-1|identity/zero", "layer 1 skip \"skip:-1\"")]
    [InlineData("identity/zero|identity/jump:1|identity/zero", "layer 1 skip \"jump:1\"")]
    [InlineData("identity/zero|identity/|identity/zero", "layer 1 skip \"\"")]
    public void Malformed_strings_are_rejected_naming_the_problem(string text, string expected)
    {
        var error = Assert.Throws<GenotypeFormatException>(() => Small.Parse(text));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("not a sequential-space genotype", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("4,0,0,2,2", "has 6 positions, this one has 5")]
    [InlineData("4,0,0,2,2,4", "position 5 of a sequential genotype takes a value in 0..3, got 4")]
    [InlineData("5,0,0,2,2,3", "position 0 of a sequential genotype takes a value in 0..4, got 5")]
    [InlineData("4,2,0,2,2,3", "position 1 of a sequential genotype takes a value in 0..1, got 2")]
    [InlineData("4,0,0,two,2,3", "item 3 of \"4,0,0,two,2,3\" is \"two\", not an integer")]
    public void Malformed_integer_forms_are_rejected(string text, string expected)
    {
        var error = Assert.Throws<GenotypeFormatException>(() => Small.ParseSequence(text));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_rejects_genotypes_outside_the_space()
    {
        Assert.Throws<GenotypeFormatException>(() => Small.Format(new Genotype([4, 0, 0, 2, 2, 4])));
        Assert.Throws<GenotypeFormatException>(() => Small.Format(new Genotype([4, 0, 0, 2])));
        Assert.Throws<ArgumentNullException>(() => Small.Parse(null!));
    }

    public static TheoryData<SequentialSpaceSettings, string> BadOptions => new()
    {
        { new SequentialSpaceSettings { Layers = 0 }, "layers must be >= 1, got 0" },
        { new SequentialSpaceSettings { Layers = -3 }, "layers must be >= 1, got -3" },
        { new SequentialSpaceSettings { Units = [] }, "units must be a non-empty list of positive integers" },
        { new SequentialSpaceSettings { Units = [16, 0] }, "units must be a non-empty list of positive integers" },
        { new SequentialSpaceSettings { Units = [-16] }, "units must be a non-empty list of positive integers" },
        { new SequentialSpaceSettings { Activations = [] }, "activations must be a non-empty list of names" },
        { new SequentialSpaceSettings { Activations = ["relu", " "] }, "activations must be a non-empty list of names" },
        { new SequentialSpaceSettings { Activations = [""] }, "activations must be a non-empty list of names" },
        { new SequentialSpaceSettings { Units = [16, 32, 16] }, "units and activations must not repeat" },
        { new SequentialSpaceSettings { Activations = ["relu", "relu"] }, "units and activations must not repeat" },
        { new SequentialSpaceSettings { Activations = ["re:lu"] }, "may not contain ':', '|' or '/'" },
        { new SequentialSpaceSettings { Activations = ["re|lu"] }, "may not contain ':', '|' or '/'" },
        { new SequentialSpaceSettings { Activations = ["relu", "re/lu"] }, "may not contain ':', '|' or '/'" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Bad_options_are_rejected(SequentialSpaceSettings options, string expected)
    {
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new SequentialSpace(options));
        Assert.Throws<ArgumentException>(() => new SearchSpaceSpec(SequentialSpace.SpaceName, options).Create());
    }

    [Fact]
    public void Options_compare_by_their_lists()
    {
        var a = new SequentialSpaceSettings { Layers = 4, Units = [8, 16], Activations = ["relu"] };
        var b = new SequentialSpaceSettings { Layers = 4, Units = new List<int> { 8, 16 }, Activations = new List<string> { "relu" } };
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, b with { Units = [16, 8] });
        Assert.NotEqual(a, b with { Layers = 5 });
        Assert.NotEqual(a, b with { Activations = ["tanh"] });
        new SequentialSpaceSettings().Validate();
    }
}
