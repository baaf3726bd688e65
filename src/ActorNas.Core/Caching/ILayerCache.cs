namespace ActorNas.Core.Caching;

/// <summary>
/// What an evaluator asks of its node's weight cache: before training, the layers of the child (by identity), fetched
/// from the donor's node when not held here; after training, the layers of the trained model. Implemented by the
/// WeightCache actor's client (ActorNas.Actors) and by <see cref="InProcessLayerCache"/> when no actor runs.
/// </summary>
public interface ILayerCache
{
    /// <summary>The layers of <paramref name="request"/> that this node holds or can fetch; never throws for a miss.</summary>
    Task<LayerFetch> FetchAsync(LayerRequest request, CancellationToken cancellationToken);

    /// <summary>Offers the layers of an evaluated model; the cache keeps what its policy admits.</summary>
    Task OfferAsync(IReadOnlyList<LayerPayload> layers, CancellationToken cancellationToken);

    /// <summary>
    /// Offers the layers of an evaluated model and tells the policy the model first (its objective and parent:
    /// donor-popularity ranks it). A cache that has no use for the model offers the layers alone.
    /// </summary>
    Task OfferAsync(EvaluatedModel model, IReadOnlyList<LayerPayload> layers, CancellationToken cancellationToken) =>
        OfferAsync(layers, cancellationToken);
}

/// <summary>
/// A child's layers, asked for before it trains. <paramref name="DonorId"/> is the parent (the donor of the layers) and
/// <paramref name="DonorNode"/> the node whose cache took the parent's layers; <paramref name="Attempt"/> 1 is the
/// proposal, when the cache counts the donor choice (re-issues are not new choices).
/// </summary>
public sealed record LayerRequest(long CandidateId, long? DonorId, string? DonorNode, int Attempt, IReadOnlyList<string> Layers);

/// <summary>
/// What a fetch found, and what it cost. <paramref name="Layers"/> holds every layer found, by identity.
/// <paramref name="MemoryHits"/> + <paramref name="DiskHits"/> are the local hits; <paramref name="RemoteHits"/> the layers
/// fetched from the donor's node (<paramref name="BytesFetched"/> bytes in <paramref name="FetchSeconds"/>).
/// <paramref name="Stats"/> is the cache right after the fetch.
/// </summary>
public sealed record LayerFetch(
    IReadOnlyDictionary<string, LayerPayload> Layers,
    int Requested,
    int MemoryHits,
    int DiskHits,
    int RemoteHits,
    long BytesFetched,
    double FetchSeconds,
    CacheStats Stats)
{
    public static LayerFetch Empty(int requested, CacheStats stats) =>
        new(new Dictionary<string, LayerPayload>(), requested, 0, 0, 0, 0, 0, stats);

    public int LocalHits => MemoryHits + DiskHits;

    /// <summary>The per-evaluation facts recorded in the log (metrics of CandidateEvaluated), named in docs/weight-cache.md.</summary>
    public IEnumerable<KeyValuePair<string, double>> Metrics()
    {
        yield return new("cacheLayersRequested", Requested);
        yield return new("cacheLocalHits", LocalHits);
        yield return new("cacheDiskHits", DiskHits);
        yield return new("cacheRemoteHits", RemoteHits);
        yield return new("cacheBytesFetched", BytesFetched);
        yield return new("cacheFetchSeconds", FetchSeconds);
        foreach (var metric in Stats.Metrics()) yield return metric;
    }
}

/// <summary>
/// A cache's counters. Hits, misses and evictions are those of the memory tier's <see cref="LayerCacheBook"/> (what the
/// offline study replays); disk and remote counts come on top.
/// </summary>
public sealed record CacheStats(
    string Policy,
    long CapacityBytes,
    long Bytes,
    int Layers,
    long Hits,
    long Misses,
    long Evictions,
    long DiskBytes,
    int DiskLayers,
    long DiskHits,
    long DiskCorrupt,
    long RemoteHits,
    long RemoteBytesFetched,
    long BytesServed)
{
    public double HitRatio => Hits + Misses == 0 ? 0 : (double)Hits / (Hits + Misses);

    /// <summary>The cache as a whole at the time of an evaluation (the log's metrics; `actornas status` reads them).</summary>
    public IEnumerable<KeyValuePair<string, double>> Metrics()
    {
        yield return new("cacheBytes", Bytes);
        yield return new("cacheDiskBytes", DiskBytes);
        yield return new("cacheEvictions", Evictions);
        yield return new("cacheHitsTotal", Hits);
        yield return new("cacheMissesTotal", Misses);
        yield return new("cacheRemoteBytesTotal", RemoteBytesFetched);
    }
}
