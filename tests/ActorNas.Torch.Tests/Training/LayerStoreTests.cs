using ActorNas.Torch.Training;
using Xunit;
using static TorchSharp.torch;

namespace ActorNas.Torch.Tests.Training;

[Collection(TrainingCollection.Name)]
public sealed class LayerStoreTests
{
    /// <summary>A layer of float32 tensors, every element = <paramref name="value"/>: "weight" (n) and "bias" (2).</summary>
    private static Dictionary<string, Tensor> Layer(int n, float value) => new(StringComparer.Ordinal)
    {
        ["weight"] = full(n, value, float32),
        ["bias"] = full(2, value, float32),
    };

    /// <summary>The bytes a layer of n + 2 floats takes in the cache: its encoding (names, dtypes, shapes, data).</summary>
    private static long Bytes(int n)
    {
        using var scope = NewDisposeScope();
        return LayerCodec.Encode(Layer(n, 0f)).Length;
    }

    private static Dictionary<string, Tensor> Target(int n) => Layer(n, -1f);

    private static float[] Values(Tensor t) => t.data<float>().ToArray();

    private static bool Holds(Dictionary<string, Tensor> target, float value) =>
        target.Values.All(t => Values(t).All(v => v == value));

    [Fact]
    public void Put_keeps_copies_and_TryCopyTo_fills_the_target()
    {
        using var scope = NewDisposeScope();
        using var store = new LayerStore(1024);
        var source = Layer(8, 3f);
        store.Put("a", source);
        Assert.True(store.Contains("a"));
        Assert.Equal(1, store.Count);
        Assert.Equal(Bytes(8), store.Bytes);

        // the store holds a copy: changing or disposing the source does not reach it
        source["weight"].fill_(7f);
        source["bias"].Dispose();
        var target = Target(8);
        Assert.True(store.TryCopyTo("a", target));
        Assert.True(Holds(target, 3f));
        // and the copy in the target is not shared with the store either
        target["weight"].fill_(9f);
        var again = Target(8);
        Assert.True(store.TryCopyTo("a", again));
        Assert.True(Holds(again, 3f));

        Assert.False(store.TryCopyTo("missing", Target(8)));
        Assert.False(store.Contains("missing"));
    }

    [Fact]
    public void Putting_an_identity_already_held_keeps_the_first_tensors_and_counts_them_once()
    {
        using var scope = NewDisposeScope();
        using var store = new LayerStore(1024);
        store.Put("a", Layer(8, 1f));
        store.Put("a", Layer(8, 2f));
        Assert.Equal(1, store.Count);
        Assert.Equal(Bytes(8), store.Bytes);
        var target = Target(8);
        Assert.True(store.TryCopyTo("a", target));
        Assert.True(Holds(target, 1f));
    }

    [Fact]
    public void Least_recently_put_layer_is_evicted_first()
    {
        using var scope = NewDisposeScope();
        // room for two 40-byte layers, not three
        using var store = new LayerStore(2 * Bytes(8) + Bytes(8) / 2);
        store.Put("A", Layer(8, 1f));
        store.Put("B", Layer(8, 2f));
        store.Put("C", Layer(8, 3f));
        Assert.False(store.Contains("A"));
        Assert.True(store.Contains("B"));
        Assert.True(store.Contains("C"));
        Assert.Equal(2, store.Count);
        Assert.Equal(2 * Bytes(8), store.Bytes);
        Assert.False(store.TryCopyTo("A", Target(8)));
    }

    [Fact]
    public void Copying_a_layer_out_makes_it_recently_used()
    {
        using var scope = NewDisposeScope();
        using var store = new LayerStore(2 * Bytes(8) + Bytes(8) / 2);
        store.Put("A", Layer(8, 1f));
        store.Put("B", Layer(8, 2f));
        Assert.True(store.TryCopyTo("A", Target(8)));   // A is now more recent than B
        store.Put("C", Layer(8, 3f));
        Assert.True(store.Contains("A"));
        Assert.False(store.Contains("B"));
        Assert.True(store.Contains("C"));
        var target = Target(8);
        Assert.True(store.TryCopyTo("A", target));
        Assert.True(Holds(target, 1f));

        // putting an identity that is held changes nothing (the cache book's rule); the copy out above made C the oldest
        store.Put("A", Layer(8, 5f));
        store.Put("D", Layer(8, 4f));
        Assert.Equal(["A", "D"], new[] { "A", "B", "C", "D" }.Where(store.Contains));
    }

    [Fact]
    public void Capacity_in_bytes_is_never_exceeded()
    {
        using var scope = NewDisposeScope();
        const long capacity = 1000;
        using var store = new LayerStore(capacity);
        var random = new Random(5);
        var sizes = new Dictionary<string, long>();
        var counts = new Dictionary<string, int>();
        for (var i = 0; i < 300; i++)
        {
            var id = "L" + random.Next(40);
            var n = counts.TryGetValue(id, out var known) ? known : 1 + random.Next(120);
            counts[id] = n;
            sizes[id] = Bytes(n);
            if (random.Next(3) == 0) store.TryCopyTo(id, Target(n));
            else store.Put(id, Layer(n, i));
            Assert.InRange(store.Bytes, 0, capacity);
            var held = sizes.Keys.Where(store.Contains).ToList();
            Assert.Equal(held.Count, store.Count);
            Assert.Equal(held.Sum(h => sizes[h]), store.Bytes);
        }
        Assert.True(store.Count > 1, "the store should hold several layers at the end");
    }

    [Fact]
    public void A_layer_larger_than_the_capacity_is_not_stored_and_evicts_nothing()
    {
        using var scope = NewDisposeScope();
        using var store = new LayerStore(Bytes(20));
        store.Put("small", Layer(8, 1f));
        store.Put("huge", Layer(21, 2f));               // one element (4 bytes) over the capacity
        Assert.False(store.Contains("huge"));
        Assert.True(store.Contains("small"));
        Assert.Equal(Bytes(8), store.Bytes);
        store.Put("exact", Layer(20, 3f));               // exactly the capacity: fits, alone
        Assert.True(store.Contains("exact"));
        Assert.False(store.Contains("small"));
        Assert.Equal(Bytes(20), store.Bytes);

        using var none = new LayerStore(0);
        none.Put("a", Layer(1, 1f));
        Assert.Equal(0, none.Count);
        Assert.Equal(0, none.Bytes);
    }

    [Fact]
    public void TryCopyTo_with_mismatching_shapes_or_names_returns_false_and_changes_nothing()
    {
        using var scope = NewDisposeScope();
        using var store = new LayerStore(1024);
        store.Put("a", Layer(8, 1f));

        // every check happens before any copy: here "bias" would fit but "weight" does not
        var wrongShape = new Dictionary<string, Tensor> { ["bias"] = full(2, -1f), ["weight"] = full(9, -1f) };
        Assert.False(store.TryCopyTo("a", wrongShape));
        Assert.True(Holds(wrongShape, -1f));

        var wrongRank = new Dictionary<string, Tensor> { ["weight"] = full(new long[] { 2, 4 }, -1f), ["bias"] = full(2, -1f) };
        Assert.False(store.TryCopyTo("a", wrongRank));
        Assert.True(Holds(wrongRank, -1f));

        var wrongName = new Dictionary<string, Tensor> { ["weight"] = full(8, -1f), ["beta"] = full(2, -1f) };
        Assert.False(store.TryCopyTo("a", wrongName));
        Assert.True(Holds(wrongName, -1f));

        var missingOne = new Dictionary<string, Tensor> { ["weight"] = full(8, -1f) };
        Assert.False(store.TryCopyTo("a", missingOne));
        Assert.True(Holds(missingOne, -1f));

        var extraOne = Layer(8, -1f);
        extraOne["running_mean"] = full(2, -1f);
        Assert.False(store.TryCopyTo("a", extraOne));
        Assert.True(Holds(extraOne, -1f));

        // the stored layer is intact
        var right = Target(8);
        Assert.True(store.TryCopyTo("a", right));
        Assert.True(Holds(right, 1f));
    }

    [Fact]
    public void Dispose_empties_the_store()
    {
        using var scope = NewDisposeScope();
        var store = new LayerStore(1024);
        store.Put("a", Layer(8, 1f));
        store.Put("b", Layer(8, 2f));
        store.Dispose();
        Assert.Equal(0, store.Count);
        Assert.Equal(0, store.Bytes);
        Assert.False(store.TryCopyTo("a", Target(8)));
    }

    [Fact]
    public void Parallel_puts_and_copies_from_four_threads_stay_consistent()
    {
        // 24 identities, each with its own size and value, in a store with room for about 8 of them
        const int identities = 24;
        static int SizeOf(int k) => 16 + 4 * k;
        var capacity = Enumerable.Range(0, identities).Sum(k => Bytes(SizeOf(k))) / 3;
        using var store = new LayerStore(capacity);
        var copies = 0;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            try
            {
                var random = new Random(100 + t);
                for (var i = 0; i < 400; i++)
                {
                    using var scope = NewDisposeScope();
                    var k = random.Next(identities);
                    var id = $"layer-{k}";
                    if (random.Next(2) == 0)
                    {
                        store.Put(id, Layer(SizeOf(k), k));
                    }
                    else
                    {
                        var target = Target(SizeOf(k));
                        if (store.TryCopyTo(id, target))
                        {
                            Interlocked.Increment(ref copies);
                            if (!Holds(target, k)) failures.Enqueue($"{id} copied wrong values");
                        }
                        else if (!Holds(target, -1f))
                        {
                            failures.Enqueue($"{id}: a failed copy changed the target");
                        }
                    }
                    var bytes = store.Bytes;
                    if (bytes > capacity) failures.Enqueue($"{bytes} bytes held, capacity {capacity}");
                }
            }
            catch (Exception e)
            {
                failures.Enqueue(e.ToString());
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Empty(failures);
        Assert.True(copies > 50, $"only {copies} successful copies");
        Assert.InRange(store.Bytes, 1, capacity);
        var held = Enumerable.Range(0, identities).Where(k => store.Contains($"layer-{k}")).ToList();
        Assert.Equal(held.Count, store.Count);
        Assert.Equal(held.Sum(k => Bytes(SizeOf(k))), store.Bytes);
    }
}
