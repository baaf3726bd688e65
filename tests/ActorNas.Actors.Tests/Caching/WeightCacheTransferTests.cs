using System.Diagnostics;
using ActorNas.Actors.Configuration;
using ActorNas.Core.Caching;
using Xunit;
using Xunit.Abstractions;

namespace ActorNas.Actors.Tests.Caching;

/// <summary>Two ActorSystems on loopback: a child's layers come from the node that owns them, in chunks, bit for bit.</summary>
public sealed class WeightCacheTransferTests(ITestOutputHelper output)
{
    private static readonly WeightCacheSettings Settings = new("lru", 64L << 20, FetchTimeout: TimeSpan.FromSeconds(20), ChunkBytes: 64 * 1024);

    [Fact]
    public async Task Layers_missing_here_arrive_bit_equal_from_the_owners_node_even_when_larger_than_a_remote_frame()
    {
        await using var owner = CacheNode.Start(Settings);
        await using var child = CacheNode.Start(Settings);
        // 3 MB: 24 times akka.remote.dot-netty.tcp.maximum-frame-size (128,000 bytes); plus a small one and one of no bytes
        var large = CacheNode.Random("large", 7, 3_000_000, 1);
        var small = CacheNode.Random("small", 7, 1000, 2);
        var empty = LayerPayload.Of("empty", 7, []);
        await owner.Offer(large, small, empty);

        var clock = Stopwatch.StartNew();
        var fetch = await child.Fetch(8, 7, owner.Node, "large", "small", "empty", "nowhere");
        output.WriteLine($"fetched {fetch.BytesFetched:N0} bytes in {clock.Elapsed.TotalMilliseconds:F0} ms");

        Assert.Equal((4, 0, 3), (fetch.Requested, fetch.LocalHits, fetch.RemoteHits));
        Assert.Equal(large.Bytes + small.Bytes, fetch.BytesFetched);
        Assert.Equal(["empty", "large", "small"], fetch.Layers.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(large.Data, fetch.Layers["large"].Data);
        Assert.Equal(small.Data, fetch.Layers["small"].Data);
        Assert.Equal((7L, large.Checksum), (fetch.Layers["large"].Owner, fetch.Layers["large"].Checksum));
        Assert.True(fetch.FetchSeconds > 0);

        // a copy was kept by policy: the next child finds them here, and the owner's counters saw the bytes served
        var again = await child.Fetch(9, 7, owner.Node, "large", "small", "empty");
        Assert.Equal((3, 0, 0L), (again.LocalHits, again.RemoteHits, again.BytesFetched));
        Assert.Equal(large.Data, again.Layers["large"].Data);
        var childStats = await child.Stats();
        Assert.Equal((3L, large.Bytes + small.Bytes), (childStats.RemoteHits, childStats.RemoteBytesFetched));
        Assert.Equal(large.Bytes + small.Bytes, (await owner.Stats()).BytesServed);
    }

    [Fact]
    public async Task The_none_baseline_fetches_nothing_from_other_nodes_either()
    {
        await using var owner = CacheNode.Start(Settings);
        await using var child = CacheNode.Start(Settings with { Policy = "none" });
        await owner.Offer(CacheNode.Random("a", 1, 100, 1));
        var fetch = await child.Fetch(2, 1, owner.Node, "a");
        Assert.Equal((0, 0, 0L), (fetch.LocalHits, fetch.RemoteHits, fetch.BytesFetched));
        Assert.Empty(fetch.Layers);
        Assert.Equal(0L, (await owner.Stats()).BytesServed);
    }

    [Fact]
    public async Task A_child_on_the_owners_own_node_never_goes_remote()
    {
        await using var node = CacheNode.Start(Settings);
        await node.Offer(CacheNode.Random("a", 1, 100, 1));
        var fetch = await node.Fetch(2, 1, node.Node, "a", "b");
        Assert.Equal((1, 0, 0L), (fetch.LocalHits, fetch.RemoteHits, fetch.BytesFetched));
        Assert.Equal((1L, 1L), ((await node.Stats()).Hits, (await node.Stats()).Misses));
    }

    [Fact]
    public async Task An_unreachable_owner_makes_misses_after_the_fetch_timeout_and_is_not_asked_again_soon()
    {
        var timeout = TimeSpan.FromSeconds(3);
        await using var child = CacheNode.Start(Settings with { FetchTimeout = timeout });
        await child.Offer(CacheNode.Random("here", 1, 100, 1));
        // nothing listens on port 1
        var fetch = await child.Fetch(5, 4, "127.0.0.1:1", "here", "there");
        Assert.Equal((1, 0), (fetch.LocalHits, fetch.RemoteHits));
        Assert.Equal(["here"], fetch.Layers.Keys);
        Assert.True(fetch.FetchSeconds >= timeout.TotalSeconds * 0.9, $"answered after {fetch.FetchSeconds} s, before the timeout");

        // the silent node is left alone for a while: the next child of its parents gets its misses without waiting
        var next = await child.Fetch(6, 4, "127.0.0.1:1", "there");
        Assert.Equal(0, next.RemoteHits);
        Assert.True(next.FetchSeconds < timeout.TotalSeconds * 0.9, $"waited {next.FetchSeconds} s for a node known to be silent");
    }

    [Fact]
    public async Task A_clustered_node_serves_its_layers_to_members_only()
    {
        var settings = Settings with { FetchTimeout = TimeSpan.FromSeconds(3) };
        await using var owner = await CacheNode.StartClusteredAsync(settings, joinTo: null);
        var layer = CacheNode.Random("a", 1, 1000, 1);
        await owner.Offer(layer);

        // it can open a connection to the owner, but it is not a member of the owner's cluster: a miss, nothing served
        await using var outsider = CacheNode.Start(settings);
        var refused = await outsider.Fetch(2, 1, owner.Node, "a");
        Assert.Equal(0, refused.RemoteHits);
        Assert.Empty(refused.Layers);
        Assert.Equal(0L, (await owner.Stats()).BytesServed);

        await using var member = await CacheNode.StartClusteredAsync(settings, joinTo: owner);
        var served = await member.Fetch(3, 1, owner.Node, "a");
        Assert.Equal(1, served.RemoteHits);
        Assert.Equal(layer.Data, served.Layers["a"].Data);
        Assert.Equal(layer.Bytes, (await owner.Stats()).BytesServed);
    }

    [Fact]
    public async Task A_node_without_remoting_answers_from_its_own_tiers()
    {
        await using var local = CacheNode.Start(Settings, remote: false);
        await local.Offer(CacheNode.Random("a", 1, 100, 1));
        var fetch = await local.Fetch(2, 1, "127.0.0.1:2552", "a", "b");
        Assert.Equal((1, 0), (fetch.LocalHits, fetch.RemoteHits));
    }
}
