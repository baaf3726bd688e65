using ActorNas.Core.Spaces.SpiderNet;
using Xunit;

namespace ActorNas.Core.Tests;

/// <summary>The memory estimate that stands in for measured GPU memory on the CPU (the parameter count is checked
/// against the TorchSharp network in ActorNas.Torch.Tests).</summary>
public sealed class SpiderCostTests
{
    private static readonly SpiderNetSpace Space = new();

    private static long Bytes(IReadOnlyList<SpiderCell> cells, int batch = 64) => SpiderCost.TrainingBytes(Space, Space.Encode(cells), 1, 28, 10, batch);

    [Fact]
    public void A_split_costs_memory_pruning_frees_it_and_the_batch_scales_the_activations()
    {
        var start = Space.InitialCells();
        var split = start.Select((c, i) => i == 0 ? c.Split(0, 1) : c).ToList();
        var pruned = start.Select((c, i) => i == 0 ? c.Prune([(0, 1, SpiderOp.SepConv5)]) : c).ToList();
        Assert.True(Bytes(split) > Bytes(start));
        Assert.True(Bytes(pruned) < Bytes(start));

        // parameters are paid once, activations per image: twice the batch adds the activations once more
        var parameters = 16L * SpiderCost.Parameters(Space, Space.Encode(start), 1, 10);
        Assert.Equal(2 * (Bytes(start, 32) - parameters), Bytes(start, 64) - parameters);
    }

    [Fact]
    public void The_cells_halve_the_resolution_after_the_first_rounding_up()
    {
        Assert.Equal([28, 14, 7], SpiderCost.Sizes(Space, 28));
        Assert.Equal([3, 2, 1], SpiderCost.Sizes(Space, 3));
        Assert.Equal([8L, 8L], SpiderCost.ScalerInputs(Space, 1));         // the stem and cell 0 to 16 channels
        Assert.Equal([8L, 8L, 16L], SpiderCost.ScalerInputs(Space, 2));   // the stem, cell 0 and cell 1 to 32
        Assert.Empty(SpiderCost.ScalerInputs(Space, 0));
    }
}
