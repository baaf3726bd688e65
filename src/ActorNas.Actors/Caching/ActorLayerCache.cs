using ActorNas.Actors.Protocol;
using ActorNas.Core.Caching;
using Akka.Actor;

namespace ActorNas.Actors.Caching;

/// <summary>
/// What evaluators use to reach their node's <see cref="WeightCacheActor"/>: <see cref="ILayerCache"/> and
/// <see cref="ICheckpointCache"/> over Ask. The
/// cache answers a fetch within its own fetch timeout; the Ask waits longer, so only a cache that is gone makes it fail.
/// </summary>
public sealed class ActorLayerCache(IActorRef cache, TimeSpan fetchTimeout) : ILayerCache, ICheckpointCache
{
    private readonly TimeSpan _askTimeout = 2 * fetchTimeout + TimeSpan.FromSeconds(10);

    public IActorRef Cache { get; } = cache;

    public Task<LayerFetch> FetchAsync(LayerRequest request, CancellationToken cancellationToken) =>
        Cache.Ask<LayerFetch>(new FetchLayers(request), _askTimeout, cancellationToken);

    public Task OfferAsync(IReadOnlyList<LayerPayload> layers, CancellationToken cancellationToken) =>
        Cache.Ask<LayersOffered>(new OfferLayers(layers), _askTimeout, cancellationToken);

    public Task OfferAsync(EvaluatedModel model, IReadOnlyList<LayerPayload> layers, CancellationToken cancellationToken) =>
        Cache.Ask<LayersOffered>(new OfferLayers(layers, model), _askTimeout, cancellationToken);

    public Task<CheckpointFetch> FetchCheckpointAsync(CheckpointRequest request, CancellationToken cancellationToken) =>
        Cache.Ask<CheckpointFetch>(new FetchCheckpoint(request), _askTimeout, cancellationToken);

    public void CheckpointWritten(string searchId, long candidateId, string folder) =>
        Cache.Tell(new CheckpointWritten(searchId, candidateId, folder));

    public Task<WeightCacheStats> StatsAsync(TimeSpan timeout) => Cache.Ask<WeightCacheStats>(GetCacheStats.Instance, timeout);
}
