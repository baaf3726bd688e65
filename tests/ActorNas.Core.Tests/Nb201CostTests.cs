using ActorNas.Core.Spaces;
using ActorNas.Core.Tabular;
using Xunit;

namespace ActorNas.Core.Tests;

/// <summary>FLOPs (multiply-accumulates) and parameters of the NAS-Bench-201 network around a cell.</summary>
public sealed class Nb201CostTests
{
    private const int None = 0, Skip = 1, Conv1x1 = 2, Conv3x3 = 3, AvgPool = 4;

    private static readonly Genotype AllConv3x3 = new([Conv3x3, Conv3x3, Conv3x3, Conv3x3, Conv3x3, Conv3x3]);
    private static readonly Genotype AllNone = new([None, None, None, None, None, None]);

    private static IEnumerable<Genotype> AllCells() => Enumerable.Range(0, Nb201Table.CellCount).Select(Nb201Table.CellAt);

    [Fact]
    public void The_all_conv3x3_cell_on_cifar10_costs_the_published_maximum_220_11_MFLOPs_and_1_5315_M_parameters()
    {
        var cost = Nb201Skeleton.Cifar10.Cost(AllConv3x3);
        Assert.InRange(cost.MegaFlops, 220.11 - 0.01, 220.11 + 0.01);
        Assert.InRange(cost.MegaParameters, 1.5315 - 0.0005, 1.5315 + 0.0005);
        // the exact counts of the skeleton as documented (stem, 3 x 5 cells of 6 edges, 2 residual reductions, head)
        Assert.Equal(220_119_680, cost.Flops);
        Assert.Equal(1_531_546, cost.Parameters);
    }

    [Fact]
    public void A_cell_without_any_conv_costs_the_published_minimum_7_78_MFLOPs_and_0_0733_M_parameters()
    {
        foreach (var cell in new[] { AllNone, new Genotype([Skip, Skip, Skip, Skip, Skip, Skip]), new Genotype([AvgPool, Skip, None, AvgPool, AvgPool, Skip]) })
        {
            var cost = Nb201Skeleton.Cifar10.Cost(cell);
            Assert.Equal(7.78, Math.Round(cost.MegaFlops, 2));
            Assert.Equal(0.0733, Math.Round(cost.MegaParameters, 4));
            Assert.Equal(Nb201Skeleton.Cifar10.Cost(AllNone), cost);   // none, skip and pooling cost nothing
        }
    }

    [Fact]
    public void Over_all_15625_cells_the_extremes_are_exactly_the_all_conv3x3_and_the_conv_free_cells()
    {
        var costs = AllCells().Select(c => (Cell: c, Cost: Nb201Skeleton.Cifar10.Cost(c))).ToList();
        var max = Nb201Skeleton.Cifar10.Cost(AllConv3x3);
        var min = Nb201Skeleton.Cifar10.Cost(AllNone);
        Assert.Equal(max.Flops, costs.Max(x => x.Cost.Flops));
        Assert.Equal(min.Flops, costs.Min(x => x.Cost.Flops));
        Assert.Equal(max.Parameters, costs.Max(x => x.Cost.Parameters));
        Assert.Equal(min.Parameters, costs.Min(x => x.Cost.Parameters));
        Assert.Equal([AllConv3x3], costs.Where(x => x.Cost.Flops == max.Flops).Select(x => x.Cell));
        // the conv-free cells: 3 non-conv ops on 6 edges
        Assert.Equal(729, costs.Count(x => x.Cost.Flops == min.Flops));
        Assert.All(costs.Where(x => x.Cost.Flops == min.Flops), x => Assert.DoesNotContain(x.Cell, v => v is Conv1x1 or Conv3x3));
    }

    [Fact]
    public void A_conv1x1_edge_costs_one_ninth_of_a_conv3x3_edge_in_MACs_and_weights()
    {
        var baseline = Nb201Skeleton.Cifar10.Cost(AllNone);
        var batchNormPerEdge = 5 * 2.0 * (16 + 32 + 64);   // one ReLU-Conv-BN per cell of each stage
        for (var edge = 0; edge < 6; edge++)
        {
            var with3 = Nb201Skeleton.Cifar10.Cost(AllNone.With(edge, Conv3x3));
            var with1 = Nb201Skeleton.Cifar10.Cost(AllNone.With(edge, Conv1x1));
            var flops3 = with3.Flops - baseline.Flops;
            var flops1 = with1.Flops - baseline.Flops;
            Assert.Equal(5.0 * 9 * (16 * 16 * 32 * 32 + 32 * 32 * 16 * 16 + 64 * 64 * 8 * 8), flops3);
            Assert.Equal(flops3 / 9, flops1);
            Assert.Equal(9 * (with1.Parameters - baseline.Parameters - batchNormPerEdge), with3.Parameters - baseline.Parameters - batchNormPerEdge);
        }
    }

    [Fact]
    public void Every_cells_cost_depends_only_on_its_counts_of_conv1x1_and_conv3x3_edges()
    {
        var baseline = Nb201Skeleton.Cifar10.Cost(AllNone);
        var one3 = Nb201Skeleton.Cifar10.Cost(AllNone.With(0, Conv3x3));
        var one1 = Nb201Skeleton.Cifar10.Cost(AllNone.With(0, Conv1x1));
        foreach (var cell in AllCells())
        {
            var n3 = cell.Count(v => v == Conv3x3);
            var n1 = cell.Count(v => v == Conv1x1);
            var cost = Nb201Skeleton.Cifar10.Cost(cell);
            Assert.Equal(baseline.Flops + n3 * (one3.Flops - baseline.Flops) + n1 * (one1.Flops - baseline.Flops), cost.Flops);
            Assert.Equal(baseline.Parameters + n3 * (one3.Parameters - baseline.Parameters) + n1 * (one1.Parameters - baseline.Parameters),
                cost.Parameters);
        }
    }

    [Fact]
    public void Cifar100s_head_adds_exactly_the_bigger_linear_layer_for_every_cell()
    {
        const double extraWeights = 64 * (100 - 10);
        const double extraBiases = 100 - 10;
        foreach (var cell in AllCells().Where((_, i) => i % 97 == 0).Append(AllConv3x3).Append(AllNone))
        {
            var c10 = Nb201Skeleton.Cifar10.Cost(cell);
            var c100 = Nb201Skeleton.Cifar100.Cost(cell);
            Assert.Equal(extraWeights, c100.Flops - c10.Flops);
            Assert.Equal(extraWeights + extraBiases, c100.Parameters - c10.Parameters);
        }
    }

    [Fact]
    public void ImageNet16_costs_a_quarter_of_cifar10s_FLOPs_apart_from_the_head_and_the_same_body_parameters()
    {
        foreach (var cell in AllCells().Where((_, i) => i % 101 == 0).Append(AllConv3x3).Append(AllNone))
        {
            var c10 = Nb201Skeleton.Cifar10.Cost(cell);
            var in16 = Nb201Skeleton.ImageNet16.Cost(cell);
            Assert.Equal((c10.Flops - 64 * 10) / 4, in16.Flops - 64 * 120);
            Assert.InRange(in16.Flops / c10.Flops, 0.24, 0.26);
            Assert.Equal(c10.Parameters - (64 * 10 + 10), in16.Parameters - (64 * 120 + 120));
        }
        Assert.Same(Nb201Skeleton.Cifar10, Nb201Skeleton.For(Nb201Dataset.Cifar10));
        Assert.Same(Nb201Skeleton.Cifar100, Nb201Skeleton.For(Nb201Dataset.Cifar100));
        Assert.Same(Nb201Skeleton.ImageNet16, Nb201Skeleton.For(Nb201Dataset.ImageNet16));
    }

    [Fact]
    public void The_megas_are_the_counts_over_a_million()
    {
        var cost = new NetworkCost(2_500_000, 750_000);
        Assert.Equal(2.5, cost.MegaFlops);
        Assert.Equal(0.75, cost.MegaParameters);
    }

    [Fact]
    public void A_genotype_that_is_not_an_nb201_cell_is_refused()
    {
        Assert.Throws<GenotypeFormatException>(() => Nb201Skeleton.Cifar10.Cost(new Genotype([3, 3, 3])));
        Assert.Throws<GenotypeFormatException>(() => Nb201Skeleton.Cifar10.Cost(new Genotype([3, 3, 3, 3, 3, 5])));
    }
}
