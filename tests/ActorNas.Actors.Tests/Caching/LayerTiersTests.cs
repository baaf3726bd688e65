using ActorNas.Actors.Caching;
using ActorNas.Core.Caching;
using Xunit;

namespace ActorNas.Actors.Tests.Caching;

/// <summary>The tiers of a weight cache: memory as the book says, spill on eviction, verified read-back.</summary>
public sealed class LayerTiersTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actornas-store-").FullName;
    private readonly List<string> _warnings = [];

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static LayerPayload Layer(string name, int bytes, byte fill) => LayerPayload.Of(name, 1, Enumerable.Repeat(fill, bytes).ToArray());

    private LayerTiers Store(long memory, long disk) =>
        new(new LayerCacheBook(memory, new LruPolicy()), disk > 0 ? new LayerDiskTier(_dir, disk, _warnings.Add) : null);

    [Fact]
    public void Evicted_layers_spill_to_disk_and_a_layer_kept_again_has_one_copy()
    {
        var store = Store(200, 1000);
        store.Keep(Layer("a", 100, 1));
        store.Keep(Layer("b", 100, 2));
        store.Keep(Layer("c", 100, 3));                       // a is evicted to disk
        Assert.Equal((2, 1), (store.Book.Count, store.Disk!.Count));
        var look = store.Request(["a", "b", "x"]);
        Assert.Equal((1, 1), (look.MemoryHits, look.DiskHits));
        Assert.Equal(["x"], look.Missing);
        Assert.Equal(Layer("a", 100, 1).Data, look.Found["a"].Data);
        Assert.Equal((1L, 2L), (store.Book.Hits, store.Book.Misses));   // the disk hit is a memory miss: the book is the study's

        store.Keep(Layer("a", 100, 1));                       // back in memory (c goes to disk), no longer on disk
        Assert.True(store.Book.Contains("a"));
        Assert.False(store.Disk.Contains("a"));
        Assert.True(store.Disk.Contains("c"));
    }

    [Fact]
    public void The_disk_tier_stays_within_capacity_and_a_bad_file_is_a_warned_miss()
    {
        var disk = new LayerDiskTier(_dir, 250, _warnings.Add);
        disk.Put(Layer("a", 100, 1));
        disk.Put(Layer("b", 100, 2));
        disk.Put(Layer("c", 100, 3));                         // a goes
        Assert.Equal((200L, 2), (disk.Bytes, disk.Count));
        Assert.Null(disk.TryRead("a"));
        File.WriteAllBytes(LayerDiskTier.FileOf(_dir, "b"), [1, 2, 3]);
        Assert.Null(disk.TryRead("b"));
        Assert.Equal((1L, 1), (disk.Corrupt, disk.Count));
        Assert.Contains(_warnings, w => w.Contains("truncated", StringComparison.Ordinal));
        Assert.Equal(Layer("c", 100, 3).Data, disk.TryRead("c")!.Data);

        // a new tier in the same directory starts empty (scratch space of one process)
        Assert.Equal(0, new LayerDiskTier(_dir, 250, _warnings.Add).Count);
        Assert.Empty(Directory.EnumerateFiles(_dir, "*.layer"));
    }

    [Fact]
    public void The_none_policy_keeps_nothing_and_the_factory_names_the_policies()
    {
        var store = new LayerTiers(new LayerCacheBook(1000, CachePolicies.Create("none", 10)));
        store.Keep(Layer("a", 10, 1));
        Assert.Equal(0, store.Request(["a"]).MemoryHits);
        Assert.Equal("lru", CachePolicies.Create(" LRU ", 10).Name);
        Assert.Contains("lru", Assert.Throws<ArgumentException>(() => CachePolicies.Create("mru", 10)).Message, StringComparison.Ordinal);
    }
}
