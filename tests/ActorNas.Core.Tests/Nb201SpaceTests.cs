using ActorNas.Core.Spaces;
using Xunit;

namespace ActorNas.Core.Tests;

public sealed class Nb201SpaceTests
{
    private static readonly Nb201Space Space = Nb201Space.Instance;

    [Theory]
    [InlineData("|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|", new[] { 3, 3, 4, 1, 3, 1 })]
    [InlineData("|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|", new[] { 4, 2, 1, 2, 1, 1 })]
    [InlineData("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|", new[] { 0, 0, 0, 0, 0, 0 })]
    [InlineData("|none~0|+|skip_connect~0|nor_conv_1x1~1|+|nor_conv_3x3~0|avg_pool_3x3~1|none~2|", new[] { 0, 1, 2, 3, 4, 0 })]
    public void Known_strings_parse_to_the_benchmark_op_codes_and_format_back(string text, int[] codes)
    {
        var genotype = Space.Parse(text);
        Assert.Equal(codes, genotype.ToArray());
        Assert.Equal(text, Space.Format(genotype));
        Assert.Equal(genotype, Space.ParseAny(text));
    }

    [Fact]
    public void Operation_codes_and_edges_are_the_benchmark_ones()
    {
        Assert.Equal(new[] { "none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3" }, Nb201Space.Operations);
        Assert.Equal(new[] { (0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3) }, Nb201Space.Edges);
        Assert.Equal("nb201", Space.Name);
        Assert.Equal(6, Space.Length);
        Assert.All(Enumerable.Range(0, 6), i => Assert.Equal(5, Space.ChoicesAt(i)));
        Assert.Equal(15_625, Space.Size());
    }

    [Fact]
    public void All_cells_format_to_distinct_strings_that_parse_back()
    {
        var strings = new HashSet<string>();
        foreach (var g in TestSupport.Generators.All(Space))
        {
            var text = Space.Format(g);
            Assert.True(strings.Add(text), $"duplicate string {text}");
            Assert.Equal(g, Space.Parse(text));
        }
        Assert.Equal(15_625, strings.Count);
    }

    [Theory]
    [InlineData(0, new[] { 0, 1, 2, 3, 4, 5 })]
    [InlineData(2, new[] { 2, 3, 4, 5 })]
    [InlineData(5, new[] { 5 })]
    public void A_change_invalidates_its_edge_and_every_later_one(int position, int[] invalidated)
    {
        ISearchSpace space = Space;
        Assert.Equal(position, space.TransferablePrefixLength(position));
        Assert.Equal(invalidated, space.InvalidatedBy(position));
    }

    [Theory]
    [InlineData("", "expected 3 node groups")]
    [InlineData("|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|", "found 2")]
    [InlineData("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|+|none~0|", "found 4")]
    [InlineData("|conv_5x5~0|+|none~0|none~1|+|none~0|none~1|none~2|", "unknown operation \"conv_5x5\"")]
    [InlineData("|none~0|+|none~0|Skip_Connect~1|+|none~0|none~1|none~2|", "unknown operation \"Skip_Connect\"")]
    [InlineData("|none~1|+|none~0|none~1|+|none~0|none~1|none~2|", "must come from node 0, not \"1\"")]
    [InlineData("|none~0|+|none~0|none~2|+|none~0|none~1|none~2|", "must come from node 1, not \"2\"")]
    [InlineData("|none~0|+|none~0|none~1|+|none~0|none~1|none~x|", "must come from node 2, not \"x\"")]
    [InlineData("none~0|+|none~0|none~1|+|none~0|none~1|none~2|", "must start and end with '|'")]
    [InlineData("|none~0|+|none~0|none~1+|none~0|none~1|none~2|", "must start and end with '|'")]
    [InlineData("|none~0|+|none~0|none~1|+|none~0|none~1|none~2", "must start and end with '|'")]
    [InlineData("|none~0|+|none~0|+|none~0|none~1|none~2|", "needs 2 incoming edge(s), found 1")]
    [InlineData("|none~0|none~1|+|none~0|none~1|+|none~0|none~1|none~2|", "needs 1 incoming edge(s), found 2")]
    [InlineData("|none0|+|none~0|none~1|+|none~0|none~1|none~2|", "must look like op~0")]
    [InlineData("3,3,4,1,3,1", "expected 3 node groups separated by '+', found 1")]
    public void Malformed_strings_are_rejected_naming_the_problem(string text, string expected)
    {
        var error = Assert.Throws<GenotypeFormatException>(() => Space.Parse(text));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("NAS-Bench-201", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_is_rejected() => Assert.Throws<ArgumentNullException>(() => Space.Parse(null!));

    [Theory]
    [InlineData(new[] { 0, 1, 2, 3, 4 }, "has 6 positions, this one has 5")]
    [InlineData(new[] { 0, 1, 2, 3, 4, 5 }, "position 5 of a nb201 genotype takes a value in 0..4, got 5")]
    [InlineData(new[] { -1, 1, 2, 3, 4, 0 }, "position 0 of a nb201 genotype takes a value in 0..4, got -1")]
    public void Format_rejects_genotypes_outside_the_space(int[] values, string expected)
    {
        var error = Assert.Throws<GenotypeFormatException>(() => Space.Format(new Genotype(values)));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_integer_form_parses_and_is_validated()
    {
        Assert.Equal(new Genotype([3, 3, 4, 1, 3, 1]), Space.ParseAny("3,3,4,1,3,1"));
        Assert.Equal(new Genotype([3, 3, 4, 1, 3, 1]), Space.ParseSequence(" 3, 3,4 ,1,3,1"));
        Assert.Contains("got 7", Assert.Throws<GenotypeFormatException>(() => Space.ParseSequence("3,3,4,1,3,7")).Message, StringComparison.Ordinal);
        Assert.Contains("this one has 5", Assert.Throws<GenotypeFormatException>(() => Space.ParseSequence("3,3,4,1,3")).Message, StringComparison.Ordinal);
        Assert.Contains("item 2 of \"3,3,x,1,3,1\" is \"x\", not an integer",
            Assert.Throws<GenotypeFormatException>(() => Space.ParseSequence("3,3,x,1,3,1")).Message, StringComparison.Ordinal);
        Assert.Contains("got -1", Assert.Throws<GenotypeFormatException>(() => Space.ParseAny("-1,3,4,1,3,1")).Message, StringComparison.Ordinal);
    }
}
