using ActorNas.Actors.Runtime;
using ActorNas.Actors.Caching;
using ActorNas.Actors.Configuration;
using ActorNas.Core.Caching;
using Xunit;

namespace ActorNas.Actors.Tests.Caching;

/// <summary>The actor's memory and disk tiers under pressure: within capacity, and never a corrupted layer served.</summary>
public sealed class WeightCacheTierTests : IDisposable
{
    private readonly string _disk = Directory.CreateTempSubdirectory("actornas-cache-").FullName;

    public void Dispose() => Directory.Delete(_disk, recursive: true);

    [Fact]
    public async Task Memory_never_exceeds_its_capacity_and_evicted_layers_come_back_from_disk_intact()
    {
        const long capacity = 10_000;
        await using var node = CacheNode.Start(new WeightCacheSettings("lru", capacity, _disk, 1 << 20), remote: false);
        var offered = new Dictionary<string, LayerPayload>();
        var random = new Random(3);
        for (var i = 0; i < 40; i++)
        {
            var layer = CacheNode.Random($"L{i}", i, 500 + random.Next(3000), i);
            offered[layer.Layer] = layer;
            await node.Offer(layer);
            var stats = await node.Stats();
            Assert.InRange(stats.Bytes, 0, capacity);
            if (i % 5 == 0) await node.Fetch(100 + i, null, null, $"L{random.Next(i + 1)}");
        }
        var end = await node.Stats();
        Assert.True(end.Evictions > 0 && end.DiskLayers > 0, $"expected evictions to disk, got {end}");
        Assert.Equal(40, end.Layers + end.DiskLayers);

        // every layer is served from one tier or the other, bit-equal
        var all = await node.Fetch(999, null, null, [.. offered.Keys]);
        Assert.Equal(40, all.LocalHits);
        Assert.Equal(end.DiskLayers, all.DiskHits);
        Assert.All(offered.Values, o => Assert.Equal(o.Data, all.Layers[o.Layer].Data));
    }

    [Fact]
    public async Task A_disk_path_that_cannot_be_a_directory_is_refused_before_the_cache_starts()
    {
        var file = Path.Combine(_disk, "a-file");
        await File.WriteAllTextAsync(file, "not a directory");
        using var system = Akka.Actor.ActorSystem.Create("actornas", ActorSystemConfig.Serialization);
        var e = Assert.Throws<SettingsException>(() =>
            WeightCacheNode.EnsureStarted(system, new WeightCacheSettings(DiskPath: Path.Combine(file, "sub"), DiskBytes: 1000), "n"));
        Assert.Contains("actornas.weight-cache.disk.path", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_corrupted_or_missing_disk_file_is_a_miss_dropped_from_the_tier_not_a_crash()
    {
        await using var node = CacheNode.Start(new WeightCacheSettings("lru", 3000, _disk, 1 << 20), remote: false);
        var a = CacheNode.Random("a", 1, 1000, 1);
        var b = CacheNode.Random("b", 2, 1000, 2);
        var c = CacheNode.Random("c", 3, 1000, 3);
        await node.Offer(a, b, c, CacheNode.Random("d", 4, 1000, 4), CacheNode.Random("e", 5, 1000, 5));   // a and b spill
        Assert.Equal((3, 2), ((await node.Stats()).Layers, (await node.Stats()).DiskLayers));

        // one byte of a's data flipped; b's file gone
        var tier = WeightCacheNode.DiskDirectoryOf(new WeightCacheSettings(DiskPath: _disk), node.Node);
        Assert.Equal(2, Directory.EnumerateFiles(tier, "*.layer").Count());   // the node's own subdirectory
        var file = LayerDiskTier.FileOf(tier, "a");
        var bytes = await File.ReadAllBytesAsync(file);
        bytes[^10] ^= 0x40;
        await File.WriteAllBytesAsync(file, bytes);
        File.Delete(LayerDiskTier.FileOf(tier, "b"));

        var fetch = await node.Fetch(10, null, null, "a", "b", "c");
        Assert.Equal((1, 0), (fetch.LocalHits, fetch.DiskHits));
        Assert.Equal(["c"], fetch.Layers.Keys);
        var stats = await node.Stats();
        Assert.Equal((2L, 0), (stats.DiskCorrupt, stats.DiskLayers));

        // the actor lives on: a new offer of a is kept and served whole
        await node.Offer(a);
        Assert.Equal(a.Data, (await node.Fetch(11, null, null, "a")).Layers["a"].Data);
    }
}
