using ActorNas.Core.Caching;
using Xunit;

namespace ActorNas.Core.Tests;

/// <summary>`actornas status` folds the cache metrics of the log per node.</summary>
public sealed class CacheLogSummaryTests
{
    private static Events.CandidateEvaluated Evaluated(long id, string node, Dictionary<string, double>? metrics) =>
        new(id, 0.5, metrics, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, node + "/slot-0", node);

    [Fact]
    public void Sums_the_per_evaluation_facts_and_keeps_the_last_size_per_node()
    {
        var summary = new CacheLogSummary();
        summary.Add(Evaluated(1, "b:1", new() { ["cacheLayersRequested"] = 10, ["cacheLocalHits"] = 4, ["cacheRemoteHits"] = 2,
            ["cacheBytesFetched"] = 2000, ["cacheBytes"] = 5000, ["cacheEvictions"] = 1 }));
        summary.Add(Evaluated(2, "a:1", new() { ["cacheLayersRequested"] = 10, ["cacheLocalHits"] = 10, ["cacheBytes"] = 100 }));
        summary.Add(Evaluated(3, "b:1", new() { ["cacheLayersRequested"] = 10, ["cacheLocalHits"] = 6, ["cacheBytes"] = 4000, ["cacheEvictions"] = 3 }));
        summary.Add(Evaluated(4, "c:1", new() { ["accuracy"] = 1 }));   // no cache facts: not a cache node
        summary.Add(Evaluated(5, "c:1", null));
        Assert.Equal(["a:1", "b:1"], summary.Nodes.Select(n => n.Node));
        var b = summary.Nodes.Last();
        Assert.Equal((2, 20L, 10L, 2L, 2000L, 4000L, 3L), (b.Evaluations, b.LayersRequested, b.LocalHits, b.RemoteHits, b.BytesFetched, b.BytesInCache, b.Evictions));
        Assert.Equal(0.6, b.HitRatio, 12);
        Assert.Equal(0.5, b.LocalHitRatio, 12);
    }
}
