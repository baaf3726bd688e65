using ActorNas.Core.Caching;
using ActorNas.Torch.Models;
using ActorNas.Torch.Training;
using Xunit;
using static TorchSharp.torch;

namespace ActorNas.Torch.Tests.Training;

/// <summary>Layers as cache payloads: every tensor of a real network comes back bit-equal, and a bad payload copies nothing.</summary>
[Collection(TrainingCollection.Name)]
public sealed class LayerCodecTests
{
    [Fact]
    public void Every_layer_of_an_nb201_network_round_trips_bit_equal_through_a_payload()
    {
        using var scope = NewDisposeScope();
        var genotype = new Core.Genotype([3, 3, 1, 1, 3, 3]);
        using var source = Trainer.Build(Core.Spaces.Nb201Space.Instance, genotype, TrainingTestKit.Mnist, new NetworkSettings(4, 1), 1, CPU);
        using var target = Trainer.Build(Core.Spaces.Nb201Space.Instance, genotype, TrainingTestKit.Mnist, new NetworkSettings(4, 1), 2, CPU);
        var from = LayerTensors.Of(source);
        var to = LayerTensors.Of(target);
        foreach (var layer in source.Layers)
        {
            var payload = LayerPayload.Of(layer.Identity, 1, LayerCodec.Encode(from[layer.Identity]));
            Assert.Equal(payload.Data, LayerCodec.Encode(from[layer.Identity]));   // the same layer encodes the same bytes
            Assert.True(LayerCodec.TryCopyInto(payload.Data, to[layer.Identity]), layer.Prefix);
        }
        var expected = source.state_dict();
        foreach (var (name, tensor) in target.state_dict())
            Assert.True(TrainingTestKit.BitEqual(expected[name], tensor), name);   // batch-norm buffers (int64 counters too) included
    }

    [Fact]
    public void A_truncated_or_foreign_payload_copies_nothing()
    {
        using var scope = NewDisposeScope();
        var layer = new Dictionary<string, Tensor> { ["weight"] = full(8, 3f), ["bias"] = full(2, 3f) };
        var bytes = LayerCodec.Encode(layer);
        var target = new Dictionary<string, Tensor> { ["weight"] = full(8, -1f), ["bias"] = full(2, -1f) };
        Assert.False(LayerCodec.TryCopyInto(bytes[..^1], target));
        Assert.False(LayerCodec.TryCopyInto([1, 2, 3, 4, 5, 6, 7, 8], target));
        var asInt = new Dictionary<string, Tensor> { ["weight"] = full(8, -1, int32), ["bias"] = full(2, -1f) };
        Assert.False(LayerCodec.TryCopyInto(bytes, asInt));
        Assert.All(target.Values, t => Assert.All(t.data<float>().ToArray(), v => Assert.Equal(-1f, v)));
        Assert.True(LayerCodec.TryCopyInto(bytes, target));
        Assert.All(target.Values, t => Assert.All(t.data<float>().ToArray(), v => Assert.Equal(3f, v)));
    }
}
