using ActorNas.Core.Growth;
using ActorNas.Core.Spaces.SpiderNet;
using ActorNas.Torch.Models;
using ActorNas.Torch.Training;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ActorNas.Torch.Tests.Training;

/// <summary>The growth pass: each cell's edges measured on/off in a seeded order, the first three valid ones scored, the
/// best split made; and the random control.</summary>
[Collection(TrainingCollection.Name)]
public sealed class SpiderGrowthTests(ITestOutputHelper output) : IDisposable
{
    private static readonly SpiderNetSpace Space = new();
    private static readonly InputShape Mnist = new(1, 28, 28, 10);
    private static readonly GrowthSettings Quick = new(Reinitialisations: 1);

    private readonly Tensor _ntkBatch = NtkBatch();
    private readonly Tensor _crops = Crops();

    private static Tensor NtkBatch()
    {
        set_num_threads(1);
        using var data = TrainingTestKit.Synthetic(64, 8);
        return data.Train.Images.narrow(0, 0, 6).to(float64).DetachFromDisposeScope();
    }

    private static Tensor Crops()
    {
        // black-and-white crops: at most 512 distinct inputs, so the region count is not saturated by the 400 samples
        // (on Fashion-MNIST the black background does the same)
        using var generator = new Generator(5);
        return rand(400, 1, 3, 3, dtype: float64, generator: generator).gt(0.5).to(float64);
    }

    public void Dispose()
    {
        _ntkBatch.Dispose();
        _crops.Dispose();
    }

    private GrowthOutcome Grow(GrowthRule rule, long seed) =>
        SpiderGrowth.Grow(Space, Space.Encode(Space.InitialCells()), Mnist, _ntkBatch, _crops, Quick, rule, seed, CPU, CancellationToken.None);

    [Fact]
    public void Each_cell_splits_the_best_scored_of_its_first_three_valid_edges_or_stays_as_it_is()
    {
        var outcome = Grow(GrowthRule.Metrics, seed: 7);
        foreach (var c in outcome.Cells)
            output.WriteLine($"cell {c.Cell}: split {c.Split?.ToString() ?? "none"}; measured " +
                string.Join("; ", c.Measured.Select(m => $"edge {m.Edge} dKappa {m.DeltaKappa:G3} dLRC {m.DeltaRegions:G3}{(m.IsValid ? " valid" : "")}")));
        var cells = Space.InitialCells().ToList();
        foreach (var cell in outcome.Cells)
        {
            var edges = cells[cell.Cell].Edges.Select(e => e.Key).ToList();
            // the edges are visited once each, in some order, until three are valid
            Assert.Equal(cell.Measured.Count, cell.Measured.Select(m => m.Edge).Distinct().Count());
            var valid = cell.Measured.Where(m => m.IsValid).ToList();
            Assert.True(valid.Count <= SplitScoring.ValidNeeded);
            if (valid.Count < SplitScoring.ValidNeeded) Assert.Equal(edges.Count, cell.Measured.Count);
            else Assert.True(cell.Measured[^1].IsValid, "the pass measured past the third valid edge");

            var chosen = SplitScoring.Choose(valid);
            Assert.Equal(chosen is null ? null : edges[chosen.Edge], cell.Split);
            if (cell.Split is { } split) cells[cell.Cell] = cells[cell.Cell].Split(split.From, split.To);
        }
        Assert.Equal(Space.Encode(cells), outcome.Grown);
        Assert.Contains(outcome.Cells, c => c.Measured.Count > 0);

        var again = Grow(GrowthRule.Metrics, seed: 7);
        Assert.Equal(outcome.Grown, again.Grown);
        Assert.Equal(outcome.Cells.SelectMany(c => c.Measured), again.Cells.SelectMany(c => c.Measured));
    }

    [Fact]
    public void The_memory_gate_refuses_a_split_that_would_not_fit_and_names_the_estimate()
    {
        var start = Space.Encode(Space.InitialCells());
        var free = Grow(GrowthRule.Random, seed: 3);
        // the budget is what the network costs after cell 0's split alone: that split is made, the others refused
        var (from, to) = free.Cells[0].Split!.Value;
        var afterFirst = Space.Encode([.. Space.InitialCells().Select((c, i) => i == 0 ? c.Split(from, to) : c)]);
        var budget = SpiderCost.TrainingBytes(Space, afterFirst, 1, 28, 10, 64);
        var outcome = SpiderGrowth.Grow(Space, start, Mnist, _ntkBatch, _crops, Quick with { MemoryBudgetBytes = budget },
            GrowthRule.Random, seed: 3, CPU, CancellationToken.None);

        Assert.Equal((from, to), outcome.Cells[0].Split);
        Assert.Equal(budget, outcome.Cells[0].EstimatedBytes);
        Assert.All(outcome.Cells.Skip(1), c => Assert.True(c.Split is null && c.RefusedByMemory is not null && c.EstimatedBytes > budget));
        Assert.Equal(afterFirst, outcome.Grown);
    }

    [Fact]
    public void The_random_control_splits_one_edge_of_every_cell_drawn_from_the_seed()
    {
        var first = Grow(GrowthRule.Random, seed: 3);
        Assert.All(first.Cells, c => Assert.True(c.Split is not null && c.Measured.Count == 0));
        Assert.Equal([4, 5, 6], Space.Decode(first.Grown).Select(c => c.Nodes));
        Assert.Equal(first.Grown, Grow(GrowthRule.Random, seed: 3).Grown);
        var splits = Enumerable.Range(1, 12).Select(seed => Grow(GrowthRule.Random, seed).Cells[2].Split).Distinct().Count();
        Assert.True(splits > 1, "twelve seeds split the same edge of cell 2");
    }
}
