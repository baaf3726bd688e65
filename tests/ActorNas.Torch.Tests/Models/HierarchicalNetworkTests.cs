using ActorNas.Core;
using ActorNas.Core.Spaces.Hierarchical;
using ActorNas.Torch.Models;
using Xunit;
using static TorchSharp.torch;

namespace ActorNas.Torch.Tests.Models;

public sealed class HierarchicalNetworkTests
{
    private static readonly HierarchicalSpace Space = new();
    private static readonly InputShape Mnist = new(1, 28, 28, 10);
    private static readonly NetworkSettings Options = new();

    // two stages on 3-channel 12x12 images, 5 classes, 5x5 kernels, up to 5 vertices, no normalisation
    private static readonly HierarchicalSpace Other = new(new HierarchicalSpaceSettings
    {
        Stages = 2, Vertices = 5, Channels = [3, 5], Pools = [3, 1], PoolPadding = [0, 0], Kernel = 5, Normalise = false,
        InputChannels = 3, ImageSize = 12, Classes = 5,
    });
    private static readonly InputShape Small = new(3, 12, 12, 5);

    private static IEnumerable<Genotype> Genotypes(HierarchicalSpace space)
    {
        var n = space.Catalogue.Count;
        yield return new Genotype(new int[space.Length]);
        yield return new Genotype(Enumerable.Repeat(n - 1, space.Length));       // the most edges everywhere
        var random = new Random(5);
        for (var i = 0; i < 12; i++)
            yield return new Genotype(Enumerable.Range(0, space.Length).Select(_ => random.Next(n)));
    }

    [Fact]
    public void The_network_has_the_spaces_parameter_count_and_its_layers_cover_the_weights()
    {
        foreach (var (space, input) in new[] { (Space, Mnist), (Other, Small) })
            foreach (var genotype in Genotypes(space))
            {
                manual_seed(1);
                using var network = Networks.Build(space, genotype, input, Options);
                Assert.Equal(Networks.LayersOf(space, genotype, input, Options), network.Layers);
                ModelTestKit.AssertLayersCoverWeights(network);
                Assert.Equal((long)space.Cost(genotype).Parameters, network.parameters().Sum(p => p.numel()));
                Assert.Equal((long)space.Cost(genotype).Parameters, Networks.ParametersOf(space, genotype, input, Options));
                ModelTestKit.AssertForwards(network, input, batch: 3);
            }
    }

    [Fact]
    public void Module_names_follow_the_stages_and_the_canonical_edges()
    {
        var genotype = Space.Parse("|0110/0001/0001/0000|0|01/00|");
        Assert.Equal(
            ["stage_0.conv", "stage_0.cell.edge_0_1", "stage_0.cell.edge_0_2", "stage_0.cell.edge_1_3", "stage_0.cell.edge_2_3",
             "stage_1.conv", "stage_2.conv", "stage_2.cell.edge_0_1", "head"],
            Networks.LayersOf(Space, genotype, Mnist, Options).Select(l => l.Prefix));
    }

    [Fact]
    public void A_change_at_a_stage_keeps_the_identities_of_the_stages_before_it()
    {
        var parent = Space.Parse("|0110/0001/0001/0000|010/001/000|01/00|");
        var parentLayers = Networks.LayersOf(Space, parent, Mnist, Options);
        for (var stage = 0; stage < Space.Length; stage++)
        {
            var to = Space.Catalogue.NeighboursOf(parent[stage])[0];
            var child = parent.With(stage, to);
            var shared = ModelTestKit.SharedPrefixes(parentLayers, Networks.LayersOf(Space, child, Mnist, Options));
            var before = parentLayers.Select(l => l.Prefix)
                .Where(p => Enumerable.Range(0, stage).Any(s => p.StartsWith($"stage_{s}.", StringComparison.Ordinal)));
            Assert.Superset(before.ToHashSet(), shared.ToHashSet());
            Assert.DoesNotContain("head", shared);
            // the changed stage's conv reads the same input, so it keeps its identity too
            Assert.Contains($"stage_{stage}.conv", shared);
        }
    }

    [Fact]
    public void Parallel_source_vertices_get_distinct_edge_identities()
    {
        // 0 -> 2 and 1 -> 3 with 0 and 1 both fed by INPUT: equal computations, different layers
        var genotype = Space.Parse("|0010/0001/0000/0000|0|0|");
        var layers = Networks.LayersOf(Space, genotype, Mnist, Options);
        Assert.Equal(layers.Count, layers.Select(l => l.Identity).Distinct().Count());
    }

    [Fact]
    public void Data_of_another_shape_is_refused_naming_the_keys()
    {
        var error = Assert.Throws<ArgumentException>(() => Networks.Build(Space, new Genotype([0, 0, 0]), new InputShape(3, 32, 32, 10), Options));
        Assert.Contains("3 x 32 x 32 images of 10 classes", error.Message, StringComparison.Ordinal);
        Assert.Contains("actornas.space.hierarchical.input-channels, .image-size and .classes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cell_sums_its_inputs_and_normalises_each_example()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        // 0 -> 1, 0 -> 2, 1 -> 2: vertex 2 sums two edges; vertex 2 is the only sink
        var graph = Space.Catalogue.Graphs[Space.Parse("|011/001/000|0|0|")[0]];
        var cell = new HierarchicalCell(graph, 2, 3, normalise: true, () => null);
        var plain = new HierarchicalCell(graph, 2, 3, normalise: false, () => null);
        plain.load_state_dict(cell.state_dict());
        var x = randn(4, 2, 5, 5);

        var normalised = cell.forward(x);
        var meanSquares = normalised.flatten(1).pow(2).mean([1]);
        Assert.True(meanSquares.allclose(ones(4), 1e-5, 1e-5), "every example's output should have mean square 1");

        // by hand, without normalisation: v0 = x, v1 = relu(e01(v0)), v2 = relu(e02(v0)) + relu(e12(v1))
        var edges = cell.named_children().ToDictionary(c => c.name, c => (nn.Module<Tensor, Tensor>)c.module);
        var v1 = nn.functional.relu(edges["edge_0_1"].forward(x));
        var v2 = nn.functional.relu(edges["edge_0_2"].forward(x)) + nn.functional.relu(edges["edge_1_2"].forward(v1));
        Assert.True(plain.forward(x).allclose(v2, 1e-5, 1e-6));
    }
}

/// <summary>Seeds torch's global generator, so it runs alone (another class drawing between the two builds broke it).</summary>
[Collection(nameof(GlobalRandomCollection))]
public sealed class HierarchicalNetworkSeedingTests
{
    private static readonly HierarchicalSpace Space = new();
    private static readonly InputShape Mnist = new(1, 28, 28, 10);

    [Fact]
    public void The_same_seed_gives_the_same_network()
    {
        var genotype = Space.Parse("|0110/0001/0001/0000|010/001/000|01/00|");
        using var scope = NewDisposeScope();
        var x = randn(2, 1, 28, 28);
        manual_seed(7);
        using var a = Networks.Build(Space, genotype, Mnist, new NetworkSettings());
        manual_seed(7);
        using var b = Networks.Build(Space, genotype, Mnist, new NetworkSettings());
        Assert.True(ModelTestKit.Same(a.forward(x), b.forward(x)));
    }
}
