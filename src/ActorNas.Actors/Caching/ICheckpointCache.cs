namespace ActorNas.Actors.Caching;

/// <summary>
/// What the command evaluator asks of its node's weight cache: a parent's checkpoint folder on this node, fetched from
/// the parent's node when it is not here, and the news that a candidate wrote its own (docs/weight-cache.md).
/// Implemented by <see cref="ActorLayerCache"/>; the evaluator finds it in <c>EvaluationContext.LayerCache</c>.
/// </summary>
public interface ICheckpointCache
{
    /// <summary>The parent's folder on this node (present, or fetched into <see cref="CheckpointRequest.Folder"/>); never throws for a miss.</summary>
    Task<CheckpointFetch> FetchCheckpointAsync(CheckpointRequest request, CancellationToken cancellationToken);

    /// <summary>The candidate's checkpoint folder holds its files: other nodes may fetch it from now on.</summary>
    void CheckpointWritten(string searchId, long candidateId, string folder);
}

/// <summary>
/// A child's parent checkpoint: <paramref name="Folder"/> is where the parent's folder is, or goes, on this node
/// (CHECKPOINT-ROOT/SEARCH-ID/PARENT-ID); <paramref name="ParentNode"/> the node that evaluated the parent (null: unknown).
/// </summary>
public sealed record CheckpointRequest(string SearchId, long ParentId, string? ParentNode, string Folder);

/// <summary>
/// The answer: <paramref name="Folder"/> when the parent's checkpoint is on this node now (null: a miss), whether it
/// came from the parent's node (<paramref name="BytesFetched"/> bytes), how long it took, and the node's fetched copies
/// right after (bytes held and deleted so far, for the log's cache metrics).
/// </summary>
public sealed record CheckpointFetch(string? Folder, bool Remote, long BytesFetched, double FetchSeconds, long CopiesBytes, long CopiesEvicted)
{
    public bool Found => Folder is not null;

    /// <summary>
    /// The per-evaluation facts recorded in the log, under the names the train evaluator uses for layers
    /// (docs/weight-cache.md), so that `actornas status` folds them the same way: one payload requested.
    /// </summary>
    public IEnumerable<KeyValuePair<string, double>> Metrics()
    {
        yield return new("cacheLayersRequested", 1);
        yield return new("cacheLocalHits", Found && !Remote ? 1 : 0);
        yield return new("cacheRemoteHits", Remote ? 1 : 0);
        yield return new("cacheBytesFetched", BytesFetched);
        yield return new("cacheFetchSeconds", FetchSeconds);
        yield return new("cacheBytes", CopiesBytes);
        yield return new("cacheEvictions", CopiesEvicted);
    }
}
