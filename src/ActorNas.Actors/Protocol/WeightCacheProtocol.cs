using ActorNas.Core.Caching;

namespace ActorNas.Actors.Protocol;

// The WeightCache protocol. Evaluators on the same node Ask their cache (FetchLayers, OfferLayers; local objects, never
// serialized). Caches on different nodes move layers in chunks that the receiver pulls: PullLayers opens a transfer,
// TransferOpened lists the layers (length, checksum), then the receiver grants credit with ChunkDemand and the sender
// answers each credit with one LayerChunk, each far below Akka.Remote's maximum frame size.

/// <summary>Local: the layers of a child before it trains (answered with a <see cref="LayerFetch"/>).</summary>
public sealed record FetchLayers(LayerRequest Request);

/// <summary>
/// Local: the layers of an evaluated model (answered with <see cref="LayersOffered"/>), with the model itself (objective,
/// parent, layer order) when the evaluator knows it; never serialized, so the field adds nothing to the wire format.
/// </summary>
public sealed record OfferLayers(IReadOnlyList<LayerPayload> Layers, EvaluatedModel? Model = null);

public sealed record LayersOffered
{
    public static readonly LayersOffered Instance = new();
}

/// <summary>Asks a WeightCache for its counters (answered with <see cref="WeightCacheStats"/>); works across nodes.</summary>
public sealed record GetCacheStats : IActorNasMessage
{
    public static readonly GetCacheStats Instance = new();
}

public sealed record WeightCacheStats(string Node, CacheStats Stats) : IActorNasMessage;

/// <summary>Asks another node's cache for the layers it holds among <paramref name="Layers"/>, in chunks of at most <paramref name="ChunkBytes"/>.</summary>
public sealed record PullLayers(long TransferId, IReadOnlyList<string> Layers, int ChunkBytes) : IActorNasMessage;

/// <summary>One layer of a transfer: its bytes follow those of the layers before it in the chunk stream.</summary>
public sealed record LayerHeader(string Layer, long Owner, long Length, ulong Checksum);

/// <summary>The sender's answer to <see cref="PullLayers"/>: the layers it will send (none: it holds none of them).</summary>
public sealed record TransferOpened(long TransferId, IReadOnlyList<LayerHeader> Layers) : IActorNasMessage;

/// <summary>The receiver may take <paramref name="Chunks"/> more chunks.</summary>
public sealed record ChunkDemand(long TransferId, int Chunks) : IActorNasMessage;

/// <summary>Chunk <paramref name="Sequence"/> (0-based) of the concatenated layer bytes.</summary>
public sealed record LayerChunk(long TransferId, int Sequence, byte[] Data) : IActorNasMessage;

/// <summary>Either side gives up a transfer (timeout, a peer that went away, a malformed stream).</summary>
public sealed record TransferAborted(long TransferId, string Reason) : IActorNasMessage;

/// <summary>Local: a child's parent checkpoint, from this node or the parent's (answered with a <see cref="Caching.CheckpointFetch"/>).</summary>
public sealed record FetchCheckpoint(Caching.CheckpointRequest Request);

/// <summary>Local: a candidate of this node wrote its checkpoint into <paramref name="Folder"/>; the cache serves it to other nodes.</summary>
public sealed record CheckpointWritten(string SearchId, long CandidateId, string Folder);
