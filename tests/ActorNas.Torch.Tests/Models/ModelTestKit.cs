using ActorNas.Core;
using ActorNas.Torch.Models;
using Xunit;
using static TorchSharp.torch;

namespace ActorNas.Torch.Tests.Models;

/// <summary>Checks shared by the network tests.</summary>
internal static class ModelTestKit
{
    /// <summary>
    /// Every parameter and buffer name starts with exactly one layer's Prefix + '.'; every layer owns at least one
    /// parameter; per layer and in total the trainable parameter counts equal the layers' predictions.
    /// </summary>
    public static void AssertLayersCoverWeights(SearchNetwork network)
    {
        var layers = network.Layers;
        Assert.Equal(layers.Count, layers.Select(l => l.Prefix).Distinct().Count());
        Assert.Equal(layers.Count, layers.Select(l => l.Identity).Distinct().Count());
        var counted = layers.ToDictionary(l => l.Prefix, _ => 0L);

        foreach (var (name, parameter) in network.named_parameters())
        {
            var owner = OwnerOf(layers, name);
            Assert.True(parameter.requires_grad, $"{name} should be trainable");
            counted[owner.Prefix] += parameter.numel();
        }
        foreach (var (name, _) in network.named_buffers()) OwnerOf(layers, name);
        foreach (var name in network.state_dict().Keys) OwnerOf(layers, name);

        foreach (var layer in layers)
            Assert.True(layer.Parameters == counted[layer.Prefix],
                $"layer {layer.Prefix}: predicted {layer.Parameters} parameters, has {counted[layer.Prefix]}");
        Assert.Equal(layers.Sum(l => l.Parameters), network.parameters().Sum(p => p.numel()));
    }

    private static IdentifiedLayer OwnerOf(IReadOnlyList<IdentifiedLayer> layers, string name)
    {
        var owners = layers.Where(l => name.StartsWith(l.Prefix + ".", StringComparison.Ordinal)).ToList();
        Assert.True(owners.Count == 1,
            $"weight {name} belongs to {owners.Count} layers ({string.Join(", ", owners.Select(o => o.Prefix))})");
        return owners[0];
    }

    /// <summary>Forwards a random batch in training mode: (B, classes), finite.</summary>
    public static void AssertForwards(SearchNetwork network, InputShape input, int batch = 4)
    {
        using var scope = NewDisposeScope();
        var x = randn(batch, input.Channels, input.Height, input.Width);
        var y = network.forward(x);
        Assert.Equal(new long[] { batch, input.Classes }, y.shape);
        Assert.False(y.isnan().any().item<bool>(), "the output has NaN");
        Assert.True(y.isfinite().all().item<bool>(), "the output is not finite");
    }

    /// <summary>Same shape, dtype and values, bit for bit (NaN aside).</summary>
    public static bool Same(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        return a.shape.SequenceEqual(b.shape) && a.dtype == b.dtype && a.eq(b).all().item<bool>();
    }

    public static IEnumerable<Genotype> AllNb201()
    {
        for (var code = 0; code < 15_625; code++)
        {
            var values = new int[6];
            var rest = code;
            for (var i = 0; i < 6; i++)
            {
                values[i] = rest % 5;
                rest /= 5;
            }
            yield return new Genotype(values);
        }
    }

    /// <summary>Every 313th cell (50 of them) and the five uniform cells.</summary>
    public static IEnumerable<Genotype> Nb201Sample() =>
        AllNb201().Where((_, i) => i % 313 == 7)
            .Concat(Enumerable.Range(0, 5).Select(op => new Genotype(Enumerable.Repeat(op, 6))));

    public static Dictionary<string, string> PrefixByIdentity(IEnumerable<IdentifiedLayer> layers) =>
        layers.ToDictionary(l => l.Identity, l => l.Prefix);

    /// <summary>Prefixes of the child's layers whose identities the parent also has (and at the same prefix).</summary>
    public static SortedSet<string> SharedPrefixes(IReadOnlyList<IdentifiedLayer> parent, IReadOnlyList<IdentifiedLayer> child)
    {
        var parentByIdentity = PrefixByIdentity(parent);
        var shared = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var layer in child)
            if (parentByIdentity.TryGetValue(layer.Identity, out var prefix))
            {
                Assert.Equal(prefix, layer.Prefix);
                shared.Add(layer.Prefix);
            }
        return shared;
    }
}
