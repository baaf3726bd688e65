using ActorNas.Core.Events;

namespace ActorNas.Core.Caching;

/// <summary>What the log says of one node's weight cache: sums of the per-evaluation facts, and its size at the last one.</summary>
public sealed record NodeCacheSummary(
    string Node, int Evaluations, long LayersRequested, long LocalHits, long RemoteHits, long BytesFetched, double FetchSeconds,
    long BytesInCache, long Evictions)
{
    /// <summary>Share of requested layers found on the node itself.</summary>
    public double LocalHitRatio => LayersRequested == 0 ? 0 : (double)LocalHits / LayersRequested;

    /// <summary>Share of requested layers served at all, locally or from the donor's node.</summary>
    public double HitRatio => LayersRequested == 0 ? 0 : (double)(LocalHits + RemoteHits) / LayersRequested;
}

/// <summary>
/// Folds the weight-cache metrics of <see cref="CandidateEvaluated"/> events (docs/weight-cache.md) per node, for
/// `actornas status`. Evaluations without them (other evaluators, transfer off, older logs) are skipped.
/// </summary>
public sealed class CacheLogSummary
{
    private readonly SortedDictionary<string, NodeCacheSummary> _nodes = new(StringComparer.Ordinal);

    public CacheLogSummary()
    {
    }

    /// <summary>Goes on from totals folded earlier (a snapshot's).</summary>
    public CacheLogSummary(IEnumerable<NodeCacheSummary> nodes)
    {
        foreach (var n in nodes) _nodes[n.Node] = n;
    }

    public IReadOnlyCollection<NodeCacheSummary> Nodes => _nodes.Values;

    public void Add(ISearchEvent e)
    {
        if (e is not CandidateEvaluated { Metrics: { } m } v || !m.TryGetValue("cacheLayersRequested", out var requested)) return;
        var before = _nodes.GetValueOrDefault(v.Node) ?? new NodeCacheSummary(v.Node, 0, 0, 0, 0, 0, 0, 0, 0);
        _nodes[v.Node] = before with
        {
            Evaluations = before.Evaluations + 1,
            LayersRequested = before.LayersRequested + (long)requested,
            LocalHits = before.LocalHits + (long)Get(m, "cacheLocalHits"),
            RemoteHits = before.RemoteHits + (long)Get(m, "cacheRemoteHits"),
            BytesFetched = before.BytesFetched + (long)Get(m, "cacheBytesFetched"),
            FetchSeconds = before.FetchSeconds + Get(m, "cacheFetchSeconds"),
            BytesInCache = (long)Get(m, "cacheBytes"),
            Evictions = (long)Get(m, "cacheEvictions"),
        };
    }

    private static double Get(IReadOnlyDictionary<string, double> metrics, string name) =>
        metrics.TryGetValue(name, out var value) && double.IsFinite(value) ? value : 0;
}
