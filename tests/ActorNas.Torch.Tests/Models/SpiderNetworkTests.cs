using ActorNas.Core;
using ActorNas.Core.Spaces.SpiderNet;
using ActorNas.Torch.Models;
using ActorNas.Torch.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace ActorNas.Torch.Tests.Models;

/// <summary>The SpiderNet network: its shapes and heads, the gates, and the "off" copy of a split computing exactly
/// what the network before the split computed.</summary>
public sealed class SpiderNetworkTests
{
    private static readonly SpiderNetSpace Space = new();
    private static readonly InputShape Mnist = new(1, 28, 28, 10);

    private static SpiderNetwork Build(IReadOnlyList<SpiderCell> cells, long seed)
    {
        manual_seed(seed);
        var network = new SpiderNetwork(Space, Space.Encode(cells), Mnist);
        network.to(ScalarType.Float64);
        return network;
    }

    private static Tensor Batch(long seed, int count = 8)
    {
        using var generator = new TorchSharp.torch.Generator((ulong)seed);
        return rand(count, 1, 28, 28, dtype: float64, generator: generator);
    }

    [Fact]
    public void Every_cell_has_a_head_the_resolution_halves_after_the_first_and_the_layers_cover_the_weights()
    {
        using var scope = NewDisposeScope();
        using var network = Build(Space.InitialCells(), seed: 1);
        var heads = network.ForwardHeads(Batch(2));
        Assert.Equal(3, heads.Count);
        Assert.All(heads, h => Assert.Equal([8L, 10L], h.shape));
        Assert.Equal([28, 28, 14, 7], SpiderNetwork.Sizes(Space, Mnist));
        // one gate per alive op: 9 fresh edges of 7 ops
        Assert.Equal(63, network.Gates.Count());
        Assert.All(network.Gates, g => Assert.True(g.IsOpen));
        ModelTestKit.AssertLayersCoverWeights(network);

        // the loss weighs the earlier heads by 0.4
        var labels = zeros(8, dtype: int64);
        var expected = nn.functional.cross_entropy(heads[2], labels) + 0.4 * (nn.functional.cross_entropy(heads[0], labels) + nn.functional.cross_entropy(heads[1], labels));
        Assert.Equal(expected.item<double>(), SpiderNetwork.Loss(heads, labels).item<double>(), 12);
    }

    [Fact]
    public void With_the_two_new_edges_masked_a_split_network_computes_exactly_what_the_network_before_it_did()
    {
        using var scope = NewDisposeScope();
        var before = Space.InitialCells();
        // cell 1 (inputs 0, 1; node 2; output 3): split 0>2 into 0>2, 2>3 (new) and the shortcut 0>3; old nodes 2, 3 -> 3, 4
        var after = before.Select((c, i) => i == 1 ? c.Split(0, 2) : c).ToList();
        using var old = Build(before, seed: 3);
        using var split = Build(after, seed: 4);
        var state = split.state_dict();
        using (no_grad())
            foreach (var (name, value) in old.state_dict())
                state[Renamed(name)].copy_(value);
        split.SetMasked(1, 0, 2, masked: true);
        split.SetMasked(1, 2, 3, masked: true);

        old.train();
        split.train();
        var x = Batch(5);
        var expected = old.ForwardHeads(x);
        var off = split.ForwardHeads(x);
        for (var c = 0; c < 3; c++) Assert.True(expected[c].eq(off[c]).all().item<bool>(), $"head {c} differs with the new edges masked");

        split.SetMasked(1, 0, 2, masked: false);
        split.SetMasked(1, 2, 3, masked: false);
        var on = split.ForwardHeads(x);
        Assert.False(expected[2].eq(on[2]).all().item<bool>(), "the split's new edges changed nothing");

        static string Renamed(string name)
        {
            const string cell = "cell_1.";
            if (!name.StartsWith(cell, StringComparison.Ordinal)) return name;
            var rest = name[cell.Length..];
            static int Moved(int node) => node >= 2 ? node + 1 : node;
            var parts = rest.Split('.', 2);
            var head = parts[0].Split('_');
            var renamed = head[0] switch
            {
                "edge" when (head[1], head[2]) == ("0", "2") => "edge_0_3",
                "edge" => $"edge_{Moved(int.Parse(head[1]))}_{Moved(int.Parse(head[2]))}",
                "node" => $"node_{Moved(int.Parse(head[1]))}",
                _ => parts[0],
            };
            return cell + renamed + "." + parts[1];
        }
    }

    [Fact]
    public void A_closed_gate_silences_its_op_and_still_gets_the_straight_through_gradient()
    {
        using var scope = NewDisposeScope();
        var cells = Space.InitialCells();
        var pruned = cells.Select((c, i) => i == 0 ? c.Prune([(0, 1, SpiderOp.SepConv3)]) : c).ToList();
        using var full = Build(cells, seed: 6);
        using var without = Build(pruned, seed: 7);
        var state = without.state_dict();
        using (no_grad())
            foreach (var (name, value) in full.state_dict())
                if (state.TryGetValue(name, out var target)) target.copy_(value);
        var gate = full.Gates.Single(g => (g.Cell, g.From, g.To, g.Op) == (0, 0, 1, SpiderOp.SepConv3));
        using (no_grad()) gate.Gate[(int)SpiderOp.SepConv3] = tensor(-0.01, float64);
        Assert.False(gate.IsOpen);
        Assert.Equal(62, without.Gates.Count());

        full.train();
        without.train();
        var x = Batch(8);
        var closed = full.forward(x);
        Assert.True(closed.allclose(without.forward(x), rtol: 0, atol: 1e-7), "a closed gate's op still adds to its edge");

        SpiderNetwork.Loss(full.ForwardHeads(x), zeros(8, dtype: int64)).backward();
        var slope = gate.Gate.grad![(int)SpiderOp.SepConv3].item<double>();
        Assert.True(slope != 0 && double.IsFinite(slope), $"the closed gate's gradient is {slope}: it could never open again");
    }

    [Fact]
    public void Its_parameter_count_is_the_spaces_own_for_grown_and_pruned_networks()
    {
        var random = new Random(2);
        var cells = Space.InitialCells().ToList();
        for (var step = 0; step < 12; step++)
        {
            using (var scope = NewDisposeScope())
            {
                var genotype = Space.Encode(cells);
                using var network = new SpiderNetwork(Space, genotype, Mnist);
                Assert.Equal(SpiderCost.Parameters(Space, genotype, Mnist.Channels, Mnist.Classes), network.parameters().Sum(p => p.numel()));
            }
            var c = random.Next(cells.Count);
            var edges = cells[c].Edges.ToList();
            if (edges.Count == 0) continue;
            var ((from, to), mask) = edges[random.Next(edges.Count)];
            cells[c] = step % 3 == 2
                ? cells[c].Prune([(from, to, SpiderOps.AliveIn(mask).First())])
                : cells[c].Split(from, to);
        }
    }

    [Fact]
    public void A_cell_pruned_to_nothing_outputs_zeros_and_the_network_still_runs()
    {
        using var scope = NewDisposeScope();
        var cells = Space.InitialCells().ToList();
        cells[1] = cells[1].Prune([.. Enumerable.Range(0, SpiderOps.Count).Select(k => (2, 3, (SpiderOp)k))]);
        Assert.Equal("-", cells[1].ToString());
        using var network = Build(cells, seed: 9);
        var heads = network.ForwardHeads(Batch(10));
        Assert.All(heads, h => Assert.True(h.isfinite().all().item<bool>()));
        // the dead cell's head sees zeros: its logits are its bias alone, the same for every sample
        Assert.True(heads[1].eq(heads[1][0].expand(8, 10)).all().item<bool>());
    }

    [Fact]
    public void The_train_free_metrics_measure_its_narrow_copies()
    {
        // as the authors: width 3 for the NTK, width 1 for the linear regions (channels 3/6/12 and 1/2/4)
        using var scope = NewDisposeScope();
        SpiderNetwork Narrow(int channels)
        {
            var space = new SpiderNetSpace(new SpiderNetSpaceSettings(InitialChannels: channels));
            manual_seed(11);
            var network = new SpiderNetwork(space, space.Encode(space.InitialCells()), Mnist);
            network.to(ScalarType.Float64);
            return network;
        }
        using var forRegions = Narrow(1);
        Assert.InRange(LinearRegionCount.Of(forRegions, Batch(12, count: 32)), 2, 32);
        using var forKernel = Narrow(3);
        // the heads read a training-mode batch norm through average pooling: the per-sample gradients sum to zero, so
        // Theta·1 = 0 and the plain kappa is infinite; on the subspace orthogonal to the ones it is finite
        var theta = NtkConditionNumber.Kernel(forKernel, Batch(13, count: 16));
        Assert.True(theta.sum(1).abs().max().item<double>() < 1e-9 * theta.abs().max().item<double>(), "Theta·1 is not 0");
        Assert.Equal(double.PositiveInfinity, NtkConditionNumber.FromKernel(theta));
        var kappa = NtkConditionNumber.FromKernel(theta, orthogonalToOnes: true);
        Assert.True(double.IsFinite(kappa) && kappa >= 1, $"kappa {kappa}");
    }
}
