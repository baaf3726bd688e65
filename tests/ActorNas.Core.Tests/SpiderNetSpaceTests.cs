using ActorNas.Core.Spaces;
using ActorNas.Core.Spaces.SpiderNet;
using Xunit;

namespace ActorNas.Core.Tests;

/// <summary>The SpiderNet space's cells: the starting network, the edge split, pruning with dead-node removal, and the
/// genotype that records them exactly (fixed length, so the log and every genotype-keyed part work unchanged).</summary>
public sealed class SpiderNetSpaceTests
{
    private static readonly SpiderNetSpace Space = new();

    private static (int, int, SpiderOp)[] AllOps(int from, int to) => [.. Enumerable.Range(0, SpiderOps.Count).Select(k => (from, to, (SpiderOp)k))];

    [Fact]
    public void The_starting_cells_have_one_fresh_edge_per_input_into_one_node_and_that_node_to_the_output()
    {
        var cells = Space.InitialCells();
        Assert.Equal([2, 3, 4], cells.Select(c => c.Edges.Count));
        Assert.Equal("0>1:1111111,1>2:1111111", cells[0].ToString());
        Assert.Equal("0>2:1111111,1>2:1111111,2>3:1111111", cells[1].ToString());
        Assert.Equal("0>3:1111111,1>3:1111111,2>3:1111111,3>4:1111111", cells[2].ToString());
        Assert.Equal([8, 16, 32], Enumerable.Range(0, 3).Select(Space.ChannelsOf));
        Assert.Equal(7 * 9, cells.Sum(c => c.AliveOps));
    }

    [Fact]
    public void A_split_inserts_a_node_at_the_edges_end_adds_two_fresh_edges_and_keeps_the_old_edge_as_a_shortcut()
    {
        // cell 1 (inputs 0 and 1): prune 0>2 down to identity and sep-conv-3, then split it
        var cell = Space.InitialCells()[1].Prune([(0, 2, SpiderOp.MaxPool3), (0, 2, SpiderOp.AvgPool3), (0, 2, SpiderOp.SepConv5),
            (0, 2, SpiderOp.DilConv3), (0, 2, SpiderOp.DilConv5)]);
        Assert.Equal("0>2:1001000,1>2:1111111,2>3:1111111", cell.ToString());

        var split = cell.Split(0, 2);

        // the new node is 2; the old 2 and 3 moved up to 3 and 4; the pruned edge survives as 0>3 with its two ops
        Assert.Equal(5, split.Nodes);
        Assert.Equal("0>2:1111111,0>3:1001000,1>3:1111111,2>3:1111111,3>4:1111111", split.ToString());
        // the edges out of an input of a later cell reduce: the split keeps the stride on 0>2 and on the shortcut 0>3
        Assert.True(SpiderNetSpace.IsStrided(1, 0));
        Assert.False(SpiderNetSpace.IsStrided(1, 2));
        Assert.False(SpiderNetSpace.IsStrided(0, 0));
        Assert.Throws<ArgumentException>(() => split.Split(1, 2));   // no such edge
    }

    [Fact]
    public void Pruning_removes_ops_then_edges_left_with_none_then_nodes_off_every_input_to_output_path()
    {
        var split = Space.InitialCells()[1].Split(0, 2);   // 0>2, 0>3, 1>3, 2>3, 3>4
        // every op of 2>3: node 2 no longer reaches the output, so it goes with its edge 0>2, and 3, 4 move down
        var pruned = split.Prune(AllOps(2, 3));
        Assert.Equal(4, pruned.Nodes);
        Assert.Equal("0>2:1111111,1>2:1111111,2>3:1111111", pruned.ToString());

        // every edge into the output: the cell is left with its inputs and an output that computes zero
        var dead = pruned.Prune(AllOps(2, 3));
        Assert.Equal((2, 3, 0), (dead.Inputs, dead.Nodes, dead.Edges.Count));
        Assert.Equal("-", dead.ToString());

        var e = Assert.Throws<ArgumentException>(() => pruned.Prune([(0, 2, SpiderOp.Identity), (0, 2, SpiderOp.Identity)]));
        Assert.Contains("not alive on edge 0>2", e.Message);
    }

    [Fact]
    public void The_genotype_records_every_cell_exactly_and_reads_back_through_the_string_and_the_integers()
    {
        var rng = new Random(4);
        for (var trial = 0; trial < 50; trial++)
        {
            var cells = Space.InitialCells().ToList();
            for (var round = 0; round < 8; round++)
                for (var c = 0; c < cells.Count; c++)
                {
                    var edges = cells[c].Edges.Select(e => e.Key).ToList();
                    if (edges.Count == 0) continue;
                    if (rng.Next(3) == 0)
                    {
                        var (from, to) = edges[rng.Next(edges.Count)];
                        var alive = SpiderOps.AliveIn(cells[c].OpsOn(from, to)!.Value).ToList();
                        cells[c] = cells[c].Prune([(from, to, alive[rng.Next(alive.Count)])]);
                    }
                    else if (cells[c].Nodes < SpiderNetSpace.MaxNodes)
                    {
                        var (from, to) = edges[rng.Next(edges.Count)];
                        cells[c] = cells[c].Split(from, to);
                    }
                }

            var genotype = Space.Encode(cells);
            Assert.Equal(3 * 120, genotype.Length);
            Assert.Equal(cells, Space.Decode(genotype));
            Assert.Equal(genotype, Space.Parse(Space.Format(genotype)));
            Assert.Equal(genotype, Space.ParseAny(genotype.ToString()));
        }
    }

    [Theory]
    [InlineData("|0>1:1111111,1>2:1111111|0>2:1111111,1>2:1111111,2>3:1111111|", "has 3 cells")]
    [InlineData("0>1:1111111", "is written |cell|cell|...|")]
    [InlineData("|0>1:1111111,0>2:1111111|C1|C2|", "cell 0 (\"0>1:1111111,0>2:1111111\"): intermediate node 1 has no outgoing edge")]
    [InlineData("|0>1:1111111,1>2:1111111|0>1:1111111,1>2:1111111|C2|", "cell 1 (\"0>1:1111111,1>2:1111111\"): edge 0>1 enters input node 1")]
    [InlineData("|0>1:11,1>2:1111111|C1|C2|", "cell 0: edge 0>1 has ops \"11\"; write seven 0/1 characters")]
    [InlineData("|0>1:0000000,1>2:1111111|C1|C2|", "with at least one 1")]
    [InlineData("|0-1:1111111|C1|C2|", "\"0-1:1111111\" is not an edge FROM>TO:OPS")]
    [InlineData("|0>16:1111111|C1|C2|", "a cell holds nodes 0..15")]
    [InlineData("|0>1:1111111,0>1:1000000,1>2:1111111|C1|C2|", "edge 0>1 is given twice")]
    public void A_bad_genotype_string_is_refused_naming_the_cell_and_the_problem(string text, string expected)
    {
        var initial = Space.InitialCells();
        text = text.Replace("C1", initial[1].ToString()).Replace("C2", initial[2].ToString());
        var e = Assert.Throws<GenotypeFormatException>(() => Space.Parse(text));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_cell_that_would_outgrow_the_genotype_is_refused_with_the_limit()
    {
        var cells = Space.InitialCells().ToList();
        while (cells[0].Nodes <= SpiderNetSpace.MaxNodes) cells[0] = cells[0].Split(0, 1);
        var e = Assert.Throws<ArgumentException>(() => Space.Encode(cells));
        Assert.Contains($"at most {SpiderNetSpace.MaxNodes}", e.Message);
    }

    [Fact]
    public void Bad_settings_are_refused_with_the_setting_named()
    {
        Assert.Contains("reduction-cells", Assert.Throws<ArgumentException>(() => new SpiderNetSpace(new SpiderNetSpaceSettings(ReductionCells: 0))).Message);
        Assert.Contains("initial-channels", Assert.Throws<ArgumentException>(() => new SpiderNetSpace(new SpiderNetSpaceSettings(InitialChannels: 0))).Message);
        Assert.Equal(2 * 120, new SpiderNetSpace(new SpiderNetSpaceSettings(ReductionCells: 1)).Length);
    }

    [Fact]
    public void A_cell_left_without_edges_reads_back()
    {
        var cells = Space.InitialCells().ToList();
        cells[0] = cells[0].Prune(AllOps(1, 2));
        var genotype = Space.Encode(cells);
        Assert.StartsWith("|-|", Space.Format(genotype));
        Assert.Equal(cells, Space.Decode(Space.Parse(Space.Format(genotype))));
    }
}
