using System.Diagnostics;

namespace ActorNas.Core.Caching;

/// <summary>
/// A weight cache inside one process, for evaluators that run without a WeightCache actor (the trainer used directly,
/// benchmarks, tests): the same <see cref="LayerTiers"/> and policy, under a lock, and no remote fetch.
/// </summary>
public sealed class InProcessLayerCache(LayerTiers store) : ILayerCache
{
    private readonly Lock _gate = new();

    public InProcessLayerCache(long capacityBytes, ICachePolicy? policy = null)
        : this(new LayerTiers(new LayerCacheBook(capacityBytes, policy ?? new LruPolicy())))
    {
    }

    public Task<LayerFetch> FetchAsync(LayerRequest request, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        lock (_gate)
        {
            if (request.DonorId is { } donor && request.Attempt == 1) store.DonorChosen(donor);
            var local = store.Request(request.Layers);
            return Task.FromResult(new LayerFetch(local.Found, request.Layers.Count, local.MemoryHits, local.DiskHits, 0, 0,
                clock.Elapsed.TotalSeconds, store.Stats()));
        }
    }

    public Task OfferAsync(IReadOnlyList<LayerPayload> layers, CancellationToken cancellationToken)
    {
        lock (_gate)
            foreach (var layer in layers) store.Keep(layer);
        return Task.CompletedTask;
    }

    public Task OfferAsync(EvaluatedModel model, IReadOnlyList<LayerPayload> layers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        lock (_gate)
        {
            store.Evaluated(model);
            foreach (var layer in layers) store.Keep(layer);
        }
        return Task.CompletedTask;
    }

    public CacheStats Stats()
    {
        lock (_gate) return store.Stats();
    }

    /// <summary>Lets go of every layer.</summary>
    public void Clear()
    {
        lock (_gate) store.Clear();
    }

    public bool Contains(string layer)
    {
        lock (_gate) return store.Book.Contains(layer);
    }
}
