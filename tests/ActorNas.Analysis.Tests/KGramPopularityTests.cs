using ActorNas.Core;
using Xunit;

namespace ActorNas.Analysis.Tests;

public sealed class KGramPopularityTests
{
    private static List<Proposal> Of(params int[][] genotypes) =>
        genotypes.Select((g, i) => new Proposal(i, i + 1, null, new Genotype(g), null, i)).ToList();

    //   0: 1,2,3,0,0,0   1: 1,2,4,0,0,0   2: 1,3,3,0,0,0   | last window W = 3:
    //   3: 0,2,3,0,0,0   4: 1,2,3,1,1,1   5: 0,2,3,4,4,4   |
    private static readonly List<Proposal> Six = Of(
        [1, 2, 3, 0, 0, 0], [1, 2, 4, 0, 0, 0], [1, 3, 3, 0, 0, 0], [0, 2, 3, 0, 0, 0], [1, 2, 3, 1, 1, 1], [0, 2, 3, 4, 4, 4]);

    [Fact]
    public void Cumulative_and_last_window_counts_of_each_prefix_length()
    {
        var k = KGramPopularity.Compute(Six, 3, 3);
        Assert.Equal(3, k.Window);
        Assert.Equal([1, 2, 3], k.Top.Keys.Order());
        // "1": 0 1 2 4 (window: 4); "0": 3 5 (window: both)
        Assert.Equal([new PrefixCount("1", 4, 1), new PrefixCount("0", 2, 2)], k.Top[1]);
        // "1,2": 0 1 4; "0,2": 3 5; "1,3": 2
        Assert.Equal([new PrefixCount("1,2", 3, 1), new PrefixCount("0,2", 2, 2), new PrefixCount("1,3", 1, 0)], k.Top[2]);
        // ties on the count are ordered by the prefix string: "0,2,3" < "1,2,3" and "1,2,4" < "1,3,3"
        Assert.Equal(
        [
            new PrefixCount("0,2,3", 2, 2), new PrefixCount("1,2,3", 2, 1),
            new PrefixCount("1,2,4", 1, 0), new PrefixCount("1,3,3", 1, 0),
        ], k.Top[3]);
    }

    [Fact]
    public void Top_truncates_and_K_beyond_the_genotype_length_stops_at_the_length()
    {
        var k = KGramPopularity.Compute(Six, 3, 3, top: 2);
        Assert.Equal(["0,2,3", "1,2,3"], k.Top[3].Select(p => p.Prefix));
        Assert.Equal(2, k.Top[2].Count);

        var deep = KGramPopularity.Compute(Six, 10, 3);
        Assert.Equal([1, 2, 3, 4, 5, 6], deep.Top.Keys.Order());
        // whole genotypes: all six distinct, each once
        Assert.Equal(5, deep.Top[6].Count);
        Assert.All(deep.Top[6], p => Assert.Equal(1, p.Cumulative));
        Assert.Equal("0,2,3,0,0,0", deep.Top[6][0].Prefix);
    }

    [Fact]
    public void A_window_wider_than_the_search_counts_everything_and_one_counts_only_the_last()
    {
        var wide = KGramPopularity.Compute(Six, 1, 100);
        Assert.All(wide.Top[1], p => Assert.Equal(p.Cumulative, p.InLastWindow));
        var one = KGramPopularity.Compute(Six, 1, 1);   // only proposal 5: "0"
        Assert.Equal([new PrefixCount("1", 4, 0), new PrefixCount("0", 2, 1)], one.Top[1]);
    }

    [Fact]
    public void The_prefix_order_is_ordinal_on_the_string_so_10_comes_before_2()
    {
        var k = KGramPopularity.Compute(Of([2, 0], [10, 0], [2, 1], [10, 1], [3, 0]), 1, 2);
        Assert.Equal([new PrefixCount("10", 2, 1), new PrefixCount("2", 2, 0), new PrefixCount("3", 1, 1)], k.Top[1]);
    }

    [Fact]
    public void No_proposals_no_prefixes() => Assert.Empty(KGramPopularity.Compute([], 3, 3).Top);
}
