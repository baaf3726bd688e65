using ActorNas.Core;
using ActorNas.Core.Spaces;
using ActorNas.Torch.Models;
using Xunit;
using static TorchSharp.torch;

namespace ActorNas.Torch.Tests.Models;

public sealed class Nb201NetworkTests
{
    private static readonly Nb201Space Space = Nb201Space.Instance;
    private static readonly InputShape Cifar = new(3, 32, 32, 10);
    private static readonly InputShape Mnist = new(1, 28, 28, 10);
    private static readonly NetworkSettings Benchmark = new(16, 5);
    private static readonly NetworkSettings Tiny = new(4, 1);

    private static Genotype G(string text) => Space.Parse(text);

    [Fact]
    public void Predicted_parameters_equal_the_benchmark_skeleton_for_every_cell()
    {
        var skeletons = new[]
        {
            (Nb201Skeleton.Cifar10, new InputShape(3, 32, 32, 10)),
            (Nb201Skeleton.Cifar100, new InputShape(3, 32, 32, 100)),
            (Nb201Skeleton.ImageNet16, new InputShape(3, 16, 16, 120)),
        };
        foreach (var genotype in ModelTestKit.AllNb201())
        {
            var layers = Networks.LayersOf(Space, genotype, Cifar, Benchmark);
            var expected = Nb201Skeleton.Cifar10.Cost(genotype).Parameters;
            Assert.True(expected == layers.Sum(l => l.Parameters), $"{Space.Format(genotype)}: {layers.Sum(l => l.Parameters)} != {expected}");
            var convs = genotype.Count(v => v is 2 or 3);
            Assert.Equal(1 + 15 * convs + 2 + 1, layers.Count);
            Assert.Equal(layers.Count, layers.Select(l => l.Identity).Distinct().Count());
        }
        foreach (var genotype in ModelTestKit.Nb201Sample())
            foreach (var (skeleton, input) in skeletons)
                Assert.Equal(skeleton.Cost(genotype).Parameters, Networks.ParametersOf(Space, genotype, input, Benchmark));
    }

    [Fact]
    public void Built_benchmark_networks_hold_exactly_the_predicted_weights()
    {
        foreach (var genotype in ModelTestKit.Nb201Sample())
        {
            using var network = Networks.Build(Space, genotype, Cifar, Benchmark);
            Assert.Equal(Networks.LayersOf(Space, genotype, Cifar, Benchmark), network.Layers);
            ModelTestKit.AssertLayersCoverWeights(network);
            Assert.Equal(Nb201Skeleton.Cifar10.Cost(genotype).Parameters, network.parameters().Sum(p => p.numel()));
        }
    }

    [Fact]
    public void Benchmark_network_forwards()
    {
        using var network = Networks.Build(Space, G("|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|"), Cifar, Benchmark);
        ModelTestKit.AssertForwards(network, Cifar, batch: 2);
    }

    [Fact]
    public void Tiny_networks_of_every_kind_build_and_forward()
    {
        var shapes = new[] { Cifar, Mnist, new InputShape(3, 30, 30, 7), new InputShape(2, 9, 13, 3) };
        foreach (var genotype in ModelTestKit.Nb201Sample().Where((_, i) => i % 3 == 0 || i >= 50))
            foreach (var input in shapes)
            {
                using var network = Networks.Build(Space, genotype, input, Tiny);
                Assert.Equal(Networks.LayersOf(Space, genotype, input, Tiny), network.Layers);
                ModelTestKit.AssertLayersCoverWeights(network);
                ModelTestKit.AssertForwards(network, input);
                network.eval();
                ModelTestKit.AssertForwards(network, input, batch: 1);
            }
    }

    [Fact]
    public void An_all_none_cell_gives_the_same_output_for_every_sample()
    {
        using var scope = NewDisposeScope();
        using var network = Networks.Build(Space, new Genotype([0, 0, 0, 0, 0, 0]), Cifar, Tiny);
        ModelTestKit.AssertLayersCoverWeights(network);
        var y = network.forward(randn(6, 3, 32, 32));
        Assert.Equal(new long[] { 6, 10 }, y.shape);
        Assert.False(y.isnan().any().item<bool>());
        Assert.True((y - y[0]).abs().max().item<float>() < 1e-5f, "every sample should get the same output");
    }

    [Fact]
    public void Activation_recorder_gets_one_pattern_per_relu()
    {
        foreach (var genotype in new[] { new Genotype([3, 2, 4, 1, 3, 0]), new Genotype([0, 0, 0, 0, 0, 0]), new Genotype([3, 3, 3, 3, 3, 3]) })
        {
            using var scope = NewDisposeScope();
            using var network = Networks.Build(Space, genotype, Cifar, Tiny);
            ModelTestKit.AssertForwards(network, Cifar); // nothing recorded without a recorder
            var recording = new ActivationRecorder();
            var recorder = recording.Patterns;
            network.ActivationRecorder = recording;
            network.forward(randn(5, 3, 32, 32));
            network.ActivationRecorder = null;

            var convs = genotype.Count(v => v is 2 or 3);
            Assert.Equal(3 * convs + 2 * 2 + 1, recorder.Count);
            var c = Tiny.Nb201Channels;
            foreach (var pattern in recorder)
            {
                Assert.Equal(2, pattern.dim());
                Assert.Equal(5, pattern.shape[0]);
                Assert.False(pattern.requires_grad);
                Assert.True((pattern.eq(0) | pattern.eq(1)).all().item<bool>(), "patterns are binary");
            }
            // first cell's convolutions read C x 32 x 32; the head's ReLU is last, 4C x 8 x 8
            if (convs > 0) Assert.Equal(c * 32 * 32, recorder[0].shape[1]);
            Assert.Equal(4 * c * 8 * 8, recorder[^1].shape[1]);
            var units = recorder.Sum(p => p.shape[1]);
            Assert.Equal(
                convs * (c * 1024 + 2 * c * 256 + 4 * c * 64) + (c * 1024 + 2 * c * 256) + (2 * c * 256 + 4 * c * 64) + 4 * c * 64,
                units);
        }
    }

    /// <summary>Node j feeds node 3 through edges that are not none (node 3 itself is live).</summary>
    private static bool Live(Genotype genotype, int node)
    {
        if (node == 3) return true;
        for (var position = 0; position < 6; position++)
        {
            var (from, to) = Nb201Space.Edges[position];
            if (from == node && genotype[position] != 0 && Live(genotype, to)) return true;
        }
        return false;
    }

    [Fact]
    public void Backward_reaches_every_weight_on_a_path_to_the_output()
    {
        var genotypes = new[]
        {
            new Genotype([3, 3, 3, 3, 3, 3]),
            new Genotype([2, 3, 2, 3, 0, 0]), // node 1 and 2 dead: edges into them get no gradient
            new Genotype([0, 3, 3, 0, 0, 3]), // node 1 zeros; (1,2) still reaches the output
            new Genotype([4, 1, 2, 0, 3, 1]),
        };
        foreach (var genotype in genotypes)
        {
            using var scope = NewDisposeScope();
            using var network = Networks.Build(Space, genotype, Cifar, Tiny);
            var y = network.forward(randn(4, 3, 32, 32));
            var loss = nn.functional.cross_entropy(y, tensor(new long[] { 0, 1, 2, 3 }));
            loss.backward();
            foreach (var (name, parameter) in network.named_parameters())
            {
                var expectGradient = true;
                var parts = name.Split('.');
                if (parts[0] == "cells")
                {
                    var position = int.Parse(parts[2]["edge_".Length..], System.Globalization.CultureInfo.InvariantCulture);
                    expectGradient = Live(genotype, Nb201Space.Edges[position].To);
                }
                Assert.True(expectGradient == parameter.grad is not null, $"{Space.Format(genotype)}: {name} gradient {(expectGradient ? "missing" : "unexpected")}");
                if (expectGradient) Assert.False(parameter.grad!.isnan().any().item<bool>(), name);
            }
        }
    }

    [Fact]
    public void Without_inputs_to_node_3_only_the_head_gets_gradients()
    {
        using var scope = NewDisposeScope();
        using var network = Networks.Build(Space, new Genotype([3, 3, 3, 0, 0, 0]), Cifar, Tiny);
        var y = network.forward(randn(4, 3, 32, 32));
        y.sum().backward();
        foreach (var (name, parameter) in network.named_parameters())
            Assert.True(name.StartsWith("head.", StringComparison.Ordinal) == (parameter.grad is not null),
                $"{name}: only the head can learn when every cell outputs zeros");
    }

    [Fact]
    public void Identities_are_stable_and_follow_the_input()
    {
        var genotype = G("|nor_conv_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|none~0|avg_pool_3x3~1|nor_conv_3x3~2|");
        var first = Networks.LayersOf(Space, genotype, Cifar, Benchmark);
        Assert.Equal(first, Networks.LayersOf(Space, genotype, Cifar, Benchmark));
        using (var a = Networks.Build(Space, genotype, Cifar, Tiny))
        using (var b = Networks.Build(Space, genotype, Cifar, Tiny))
            Assert.Equal(a.Layers, b.Layers);

        // other input channels: every identity differs; other classes: only the head
        var gray = Networks.LayersOf(Space, genotype, Cifar with { Channels = 1 }, Benchmark);
        Assert.Empty(first.Select(l => l.Identity).Intersect(gray.Select(l => l.Identity)));
        var hundred = Networks.LayersOf(Space, genotype, Cifar with { Classes = 100 }, Benchmark);
        Assert.Equal(["head"], first.Zip(hundred, (a, b) => (First: a, Second: b)).Where(p => p.First.Identity != p.Second.Identity).Select(p => p.First.Prefix));
        // other channel widths: every identity differs
        var wide = Networks.LayersOf(Space, genotype, Cifar, Benchmark with { Nb201Channels = 32 });
        Assert.Empty(first.Select(l => l.Identity).Intersect(wide.Select(l => l.Identity)));
        // the spatial size does not shape any weight, so it is not part of an NB201 identity
        Assert.Equal(first, Networks.LayersOf(Space, genotype, Cifar with { Height = 16, Width = 16 }, Benchmark));
    }

    [Fact]
    public void Parent_and_child_share_the_stem_and_the_first_cell_edges_upstream_of_the_change()
    {
        var random = new Random(7);
        var all = ModelTestKit.AllNb201().ToArray();
        for (var trial = 0; trial < 200; trial++)
        {
            var parent = all[random.Next(all.Length)];
            var position = trial % 6;
            var value = (parent[position] + 1 + random.Next(4)) % 5;
            var child = parent.With(position, value);
            var options = trial % 2 == 0 ? Benchmark : Tiny;

            // The rule: an edge keeps its identity when its operation and its source node are unchanged. A change on
            // edge (a, b) changes node b and every later node of the cell (each reads all earlier nodes), so node 3,
            // the cell output, always changes, and with it every later cell, reduction and the head.
            var target = Nb201Space.Edges[position].To;
            var expected = new SortedSet<string>(StringComparer.Ordinal) { "stem" };
            for (var e = 0; e < 6; e++)
                if (e != position && parent[e] is 2 or 3 && Nb201Space.Edges[e].From < target)
                    expected.Add($"cells.0.edge_{e}");

            var shared = ModelTestKit.SharedPrefixes(
                Networks.LayersOf(Space, parent, Cifar, options), Networks.LayersOf(Space, child, Cifar, options));
            Assert.Equal(expected, shared);
        }

        // the example: a change on edge (1,2) keeps the stem and cell 0's (0,1), (0,2), (0,3), (1,3)
        var allConv = new Genotype([3, 3, 3, 3, 3, 3]);
        using var p = Networks.Build(Space, allConv, Cifar, Tiny);
        using var c = Networks.Build(Space, allConv.With(2, 2), Cifar, Tiny);
        Assert.Equal(["cells.0.edge_0", "cells.0.edge_1", "cells.0.edge_3", "cells.0.edge_4", "stem"],
            ModelTestKit.SharedPrefixes(p.Layers, c.Layers));
    }

    [Fact]
    public void Layers_are_in_forward_order_with_the_documented_prefixes()
    {
        var layers = Networks.LayersOf(Space, new Genotype([3, 0, 1, 4, 2, 0]), Cifar, new NetworkSettings(4, 2));
        Assert.Equal(
            ["stem", "cells.0.edge_0", "cells.0.edge_4", "cells.1.edge_0", "cells.1.edge_4", "reduce1",
             "cells.2.edge_0", "cells.2.edge_4", "cells.3.edge_0", "cells.3.edge_4", "reduce2",
             "cells.4.edge_0", "cells.4.edge_4", "cells.5.edge_0", "cells.5.edge_4", "head"],
            layers.Select(l => l.Prefix));
        Assert.Equal(LayerIdentity.Of("stem", [3, 4]), layers[0].Identity);
        // cell 0: node 1 = conv3x3(stem); edge (1,3) reads node 1
        var node1 = LayerIdentity.Of("node", LayerIdentity.Of("nor_conv_3x3", [4, 1], layers[0].Identity));
        Assert.Equal(LayerIdentity.Of("nor_conv_3x3", [4, 1], layers[0].Identity), layers[1].Identity);
        Assert.Equal(LayerIdentity.Of("nor_conv_1x1", [4, 3], node1), layers[2].Identity);
    }
}
