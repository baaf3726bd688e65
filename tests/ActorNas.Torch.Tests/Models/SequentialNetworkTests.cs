using ActorNas.Core;
using ActorNas.Core.Spaces;
using ActorNas.Torch.Models;
using Xunit;
using static TorchSharp.torch;

namespace ActorNas.Torch.Tests.Models;

public sealed class SequentialNetworkTests
{
    // 16 input features: width 16 layers skip without projection, width 8 ones need one
    private static readonly SequentialSpace Space = new(new SequentialSpaceSettings
    {
        Layers = 5,
        Units = [8, 16],
        Activations = ["relu", "tanh", "sigmoid"],
    });
    private static readonly InputShape Small = new(1, 4, 4, 3);
    private static readonly InputShape Image = new(3, 8, 8, 10);
    private static readonly NetworkSettings Options = new();

    private static Genotype G(string text) => Space.Parse(text);

    /// <summary>Random genotypes plus hand-picked ones covering identity, every activation, width changes and every reach.</summary>
    private static IEnumerable<Genotype> Genotypes()
    {
        yield return G("identity/zero|identity/zero|identity/zero|identity/zero|identity/zero");
        yield return G("identity/skip:1|identity/skip:2|identity/skip:3|identity/skip:3|identity/skip:1");
        yield return G("dense:8:relu/skip:1|dense:16:tanh/skip:2|dense:8:sigmoid/skip:3|identity/skip:2|dense:16:relu/skip:3");
        yield return G("dense:16:sigmoid/skip:1|dense:8:relu/skip:1|identity/skip:3|dense:8:tanh/skip:3|dense:8:tanh/zero");
        yield return G("dense:8:relu/zero|identity/skip:2|dense:16:relu/skip:2|dense:16:sigmoid/skip:3|identity/skip:1");
        var random = new Random(11);
        for (var i = 0; i < 30; i++)
            yield return new Genotype(Enumerable.Range(0, Space.Length).Select(p => random.Next(Space.ChoicesAt(p))));
    }

    [Fact]
    public void Every_kind_of_genotype_builds_and_forwards()
    {
        foreach (var genotype in Genotypes())
            foreach (var input in new[] { Small, Image })
            {
                using var network = Networks.Build(Space, genotype, input, Options);
                Assert.Equal(Networks.LayersOf(Space, genotype, input, Options), network.Layers);
                ModelTestKit.AssertLayersCoverWeights(network);
                ModelTestKit.AssertForwards(network, input, batch: 5);
                using var scope = NewDisposeScope();
                Assert.Equal(new long[] { 2, input.Classes }, network.forward(randn(2, (long)input.Channels * input.Height * input.Width)).shape);
            }
    }

    [Fact]
    public void Projections_appear_exactly_where_widths_differ()
    {
        var layers = Networks.LayersOf(Space,
            G("dense:8:relu/skip:1|dense:16:tanh/skip:2|dense:8:sigmoid/skip:3|identity/skip:2|dense:16:relu/skip:3"), Small, Options);
        // widths: a0 16, a1 8, a2 16, a3 8, a4 8, a5 16; layer 1 (a0 16 -> 16) and layer 4 (a2 16 -> 16) need no projection
        Assert.Equal(
            ["dense_0", "proj_0", "dense_1", "dense_2", "proj_2", "proj_3", "dense_4", "head"],
            layers.Select(l => l.Prefix));
        Assert.Equal([16 * 8 + 8, 16 * 8, 8 * 16 + 16, 16 * 8 + 8, 16 * 8, 16 * 8, 8 * 16 + 16, 16 * 3 + 3], layers.Select(l => l.Parameters));

        var a0 = LayerIdentity.Of("input", [1, 4, 4]);
        var dense0 = LayerIdentity.Of("dense", new object[] { 16L, 8, "relu" }, a0);
        var proj0 = LayerIdentity.Of("proj", [16, 8, 1], a0);
        Assert.Equal(dense0, layers[0].Identity);
        Assert.Equal(proj0, layers[1].Identity);
        var a1 = LayerIdentity.Of("anchor", [1], dense0, proj0);
        Assert.Equal(LayerIdentity.Of("dense", new object[] { 8L, 16, "tanh" }, a1), layers[2].Identity);
    }

    [Fact]
    public void The_forward_pass_is_the_documented_sum()
    {
        using var scope = NewDisposeScope();
        var space = new SequentialSpace(new SequentialSpaceSettings { Layers = 2, Units = [3], Activations = ["tanh"] });
        // layer 0: dense 3 tanh, skip 1 projects the 4 inputs; layer 1: identity, skip 2 adds the projected input again
        var genotype = space.Parse("dense:3:tanh/skip:1|identity/skip:2");
        var input = new InputShape(1, 2, 2, 2);
        using var network = Networks.Build(space, genotype, input, Options);
        var weights = network.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var x = randn(3, 1, 2, 2);
        var flat = x.flatten(1);
        var h0 = nn.functional.linear(flat, weights["dense_0.weight"], weights["dense_0.bias"]).tanh()
                 + nn.functional.linear(flat, weights["proj_0.weight"]);
        var h1 = h0 + nn.functional.linear(flat, weights["proj_1.weight"]);
        var expected = nn.functional.linear(h1, weights["head.weight"], weights["head.bias"]);
        Assert.True(network.forward(x).allclose(expected, 1e-5, 1e-6));
    }

    [Fact]
    public void Activation_recorder_gets_one_pattern_per_dense_layer_with_the_right_threshold()
    {
        foreach (var activation in new[] { "relu", "tanh", "sigmoid" })
        {
            using var scope = NewDisposeScope();
            var space = new SequentialSpace(new SequentialSpaceSettings { Layers = 3, Units = [6], Activations = [activation] });
            var genotype = space.Parse($"dense:6:{activation}/zero|identity/skip:1|dense:6:{activation}/skip:2");
            using var network = Networks.Build(space, genotype, Small, Options);
            var recording = new ActivationRecorder();
            var recorder = recording.Patterns;
            network.ActivationRecorder = recording;
            var x = randn(7, 1, 4, 4);
            network.forward(x);
            Assert.Equal(2, recorder.Count);
            Assert.All(recorder, p => Assert.Equal(new long[] { 7, 6 }, p.shape));
            Assert.All(recorder, p => Assert.False(p.requires_grad));
            var weights = network.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            // every activation used here is on exactly where its pre-activation is positive
            using var noGrad = no_grad();
            var pre = nn.functional.linear(x.flatten(1), weights["dense_0.weight"], weights["dense_0.bias"]);
            Assert.True(ModelTestKit.Same(recorder[0], pre.gt(0).to_type(ScalarType.Float32)), activation);
        }
    }

    [Fact]
    public void Backward_reaches_every_weight()
    {
        foreach (var genotype in Genotypes().Take(10))
        {
            using var scope = NewDisposeScope();
            using var network = Networks.Build(Space, genotype, Small, Options);
            var y = network.forward(randn(4, 1, 4, 4));
            nn.functional.cross_entropy(y, tensor(new long[] { 0, 1, 2, 0 })).backward();
            foreach (var (name, parameter) in network.named_parameters())
            {
                Assert.True(parameter.grad is not null, $"{Space.Format(genotype)}: {name} has no gradient");
                Assert.False(parameter.grad!.isnan().any().item<bool>(), name);
            }
        }
    }

    [Fact]
    public void Identities_are_stable_and_follow_the_input()
    {
        foreach (var genotype in Genotypes().Take(8))
        {
            var first = Networks.LayersOf(Space, genotype, Small, Options);
            Assert.Equal(first, Networks.LayersOf(Space, genotype, Small, Options));
            var other = Networks.LayersOf(Space, genotype, Small with { Height = 2, Width = 8 }, Options); // same width, other shape
            Assert.Empty(first.Select(l => l.Identity).Intersect(other.Select(l => l.Identity)));
            var classes = Networks.LayersOf(Space, genotype, Small with { Classes = 4 }, Options);
            Assert.Equal(first.SkipLast(1), classes.SkipLast(1));
            Assert.NotEqual(first[^1].Identity, classes[^1].Identity);
        }
        using var a = Networks.Build(Space, Genotypes().ElementAt(2), Small, Options);
        using var b = Networks.Build(Space, Genotypes().ElementAt(2), Small, Options);
        Assert.Equal(a.Layers, b.Layers);
    }

    /// <summary>
    /// The rule: a unit keeps its identity when its configuration and everything it reads are unchanged. A change at
    /// layer l changes a_{l+1} and every later anchor; layers before l keep theirs; at layer l the dense op survives a
    /// skip change and the projection an operation change (same widths); later layers keep only projections of
    /// anchors a_0..a_l.
    /// </summary>
    private static SortedSet<string> Predicted(Genotype parent, Genotype child)
    {
        var changed = Enumerable.Range(0, parent.Length).Single(p => parent[p] != child[p]);
        var layer = changed / 2;
        var parentLayers = Networks.LayersOf(Space, parent, Small, Options).Select(l => l.Prefix).ToHashSet();
        var childLayers = Networks.LayersOf(Space, child, Small, Options).Select(l => l.Prefix).ToHashSet();
        var parentWidths = Widths(parent);
        var childWidths = Widths(child);
        var shared = new SortedSet<string>(StringComparer.Ordinal);
        for (var l = 0; l < Space.Settings.Layers; l++)
        {
            var dense = $"dense_{l}";
            var proj = $"proj_{l}";
            if (l < layer || (l == layer && changed % 2 == 1))
                if (parentLayers.Contains(dense) && childLayers.Contains(dense)) shared.Add(dense);
            var k = child[2 * l + 1];
            if (parentLayers.Contains(proj) && childLayers.Contains(proj) && parent[2 * l + 1] == k
                && l + 1 - k <= layer && parentWidths[l + 1] == childWidths[l + 1])
                shared.Add(proj);
        }
        return shared;
    }

    private static int[] Widths(Genotype genotype)
    {
        var widths = new List<int> { Small.Channels * Small.Height * Small.Width };
        for (var l = 0; l < Space.Settings.Layers; l++)
            widths.Add(Space.Operation(genotype[2 * l]) is { } op ? op.Units : widths[l]);
        return widths.ToArray();
    }

    [Fact]
    public void Parent_and_child_share_what_the_rule_predicts()
    {
        var random = new Random(5);
        var projectionsKept = 0;
        for (var trial = 0; trial < 400; trial++)
        {
            var parent = new Genotype(Enumerable.Range(0, Space.Length).Select(p => random.Next(Space.ChoicesAt(p))));
            var position = random.Next(Space.Length);
            var value = (parent[position] + 1 + random.Next(Space.ChoicesAt(position) - 1)) % Space.ChoicesAt(position);
            var child = parent.With(position, value);
            var shared = ModelTestKit.SharedPrefixes(
                Networks.LayersOf(Space, parent, Small, Options), Networks.LayersOf(Space, child, Small, Options));
            Assert.Equal(Predicted(parent, child), shared);
            projectionsKept += shared.Count(s => s.StartsWith("proj_", StringComparison.Ordinal) && int.Parse(s[5..], System.Globalization.CultureInfo.InvariantCulture) > position / 2);
        }
        Assert.True(projectionsKept > 0, "some later projection of an unchanged anchor should have been kept");
    }

    [Fact]
    public void An_unknown_activation_is_an_argument_error()
    {
        var space = new SequentialSpace(new SequentialSpaceSettings { Layers = 1, Units = [4], Activations = ["swishy"] });
        var genotype = space.Parse("dense:4:swishy/zero");
        var error = Assert.Throws<ArgumentException>(() => Networks.LayersOf(space, genotype, Small, Options));
        Assert.Contains("swishy", error.Message);
        Assert.Throws<ArgumentException>(() => Networks.Build(space, genotype, Small, Options));
    }
}
