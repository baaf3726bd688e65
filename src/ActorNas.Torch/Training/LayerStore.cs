using ActorNas.Core.Caching;
using static TorchSharp.torch;

namespace ActorNas.Torch.Training;

/// <summary>
/// A weight cache in this process seen through tensors, for code that trains without a WeightCache actor (tests,
/// benchmarks, the trainer used directly): layers are encoded with <see cref="LayerCodec"/> into an
/// <see cref="InProcessLayerCache"/>, so the same policy code decides what stays (lru unless told otherwise) and the
/// bytes counted are the encoded layers'. Thread-safe: evaluator slots of one process may share it.
/// </summary>
public sealed class LayerStore : IDisposable
{
    public LayerStore(long capacityBytes, ICachePolicy? policy = null) => Cache = new InProcessLayerCache(capacityBytes, policy);

    /// <summary>The cache behind it (what <see cref="Trainer.Train(Core.Spaces.ISearchSpace, Core.Genotype, Data.DataSplit, Core.Evaluation.TrainingSettings, LayerStore?, long, Device, CancellationToken)"/> fetches from and offers to).</summary>
    public InProcessLayerCache Cache { get; }

    public long Bytes => Cache.Stats().Bytes;
    public int Count => Cache.Stats().Layers;

    /// <summary>Keeps an encoded copy of a layer's tensors (names relative to the layer), if the policy admits it.</summary>
    public void Put(string identity, IReadOnlyDictionary<string, Tensor> tensors, long owner = 0) =>
        Cache.OfferAsync([LayerPayload.Of(identity, owner, LayerCodec.Encode(tensors))], CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>
    /// Copies a held layer into <paramref name="target"/> (same names and shapes, any device); a request to the cache, so
    /// it counts as a hit or a miss. False when the identity is not held or the shapes differ.
    /// </summary>
    public bool TryCopyTo(string identity, IReadOnlyDictionary<string, Tensor> target)
    {
        var fetch = Cache.FetchAsync(new LayerRequest(0, null, null, 2, [identity]), CancellationToken.None).GetAwaiter().GetResult();
        return fetch.Layers.TryGetValue(identity, out var payload) && LayerCodec.TryCopyInto(payload.Data, target);
    }

    public bool Contains(string identity) => Cache.Contains(identity);

    /// <summary>Lets go of every layer (payloads are managed memory: nothing native to free).</summary>
    public void Dispose() => Cache.Clear();
}
