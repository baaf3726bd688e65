using ActorNas.Torch.Models;
using static TorchSharp.torch;

namespace ActorNas.Torch.Training;

/// <summary>The parameters and buffers of one identified layer, by name relative to the layer.</summary>
public static class LayerTensors
{
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, Tensor>> Of(SearchNetwork network)
    {
        var byPrefix = network.Layers.ToDictionary(l => l.Prefix, _ => new Dictionary<string, Tensor>());
        foreach (var (name, tensor) in network.state_dict())
        {
            // prefixes may contain dots ("cells.3.edge_2"): take the longest layer prefix the name starts with
            var owner = network.Layers.Where(l => name.StartsWith(l.Prefix + ".", StringComparison.Ordinal)).MaxBy(l => l.Prefix.Length);
            if (owner is null) continue;
            byPrefix[owner.Prefix][name[(owner.Prefix.Length + 1)..]] = tensor;
        }
        return network.Layers.ToDictionary(l => l.Identity, l => (IReadOnlyDictionary<string, Tensor>)byPrefix[l.Prefix]);
    }

    /// <summary>The trainable parameters of one layer (to freeze them).</summary>
    public static IEnumerable<TorchSharp.Modules.Parameter> ParametersOf(SearchNetwork network, IdentifiedLayer layer) =>
        network.named_parameters().Where(p => p.name.StartsWith(layer.Prefix + ".", StringComparison.Ordinal)).Select(p => p.parameter);
}
