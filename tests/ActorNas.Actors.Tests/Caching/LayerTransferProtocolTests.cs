using ActorNas.Actors.Caching;
using ActorNas.Actors.Configuration;
using ActorNas.Actors.Protocol;
using ActorNas.Core.Caching;
using Akka.Configuration;
using Xunit;
using Xunit.Abstractions;

namespace ActorNas.Actors.Tests.Caching;

/// <summary>
/// Both ends of a transfer against a scripted peer (a TestProbe): the receiver pulls with credit, keeps only layers whose
/// checksum matches, and gives up on disorder or silence; the sender sends no more chunks than it was granted.
/// </summary>
public sealed class LayerTransferProtocolTests(ITestOutputHelper output)
    : Akka.TestKit.Xunit2.TestKit(ConfigurationFactory.ParseString("akka.test.timefactor = 3\nakka.loglevel = WARNING"), output: output)
{
    private static readonly WeightCacheSettings Settings = new(FetchTimeout: TimeSpan.FromSeconds(2), ChunkBytes: 1024, ChunkWindow: 2);

    private static LayerPayload Layer(string name, int bytes, int seed)
    {
        var data = new byte[bytes];
        new Random(seed).NextBytes(data);
        return LayerPayload.Of(name, 7, data);
    }

    private static IEnumerable<LayerChunk> Chunks(long transfer, IEnumerable<byte[]> layers, int chunkBytes)
    {
        var all = layers.SelectMany(b => b).ToArray();
        for (var (i, at) = (0, 0); at < all.Length; i++, at += chunkBytes)
            yield return new LayerChunk(transfer, i, all[at..Math.Min(all.Length, at + chunkBytes)]);
    }

    /// <summary>A fetcher (child of the test actor, which receives its FetchCompleted) pulling from <paramref name="peer"/>.</summary>
    private PullLayers StartFetcher(Akka.TestKit.TestProbe peer, params string[] layers)
    {
        ChildActorOf(LayerFetcher.Props(1, Sys.ActorSelection(peer.Ref.Path), layers, Settings));
        return peer.ExpectMsg<PullLayers>();
    }

    [Fact]
    public void The_receiver_pulls_in_windows_and_keeps_only_layers_whose_checksum_matches()
    {
        var peer = CreateTestProbe();
        var good = Layer("good", 3000, 1);
        var bad = Layer("bad", 1500, 2);
        var pull = StartFetcher(peer, "good", "bad", "absent");
        Assert.Equal((1L, 1024), (pull.TransferId, pull.ChunkBytes));
        Assert.Equal(["good", "bad", "absent"], pull.Layers);

        peer.Reply(new TransferOpened(1, [new LayerHeader("good", 7, good.Bytes, good.Checksum), new LayerHeader("bad", 7, bad.Bytes, bad.Checksum)]));
        Assert.Equal(2, peer.ExpectMsg<ChunkDemand>().Chunks);      // the window
        var corrupted = (byte[])bad.Data.Clone();
        corrupted[100] ^= 1;
        var chunks = Chunks(1, [good.Data, corrupted], 1024).ToList();
        Assert.Equal(5, chunks.Count);
        foreach (var chunk in chunks[..^1])
        {
            peer.Reply(chunk);
            Assert.Equal(1, peer.ExpectMsg<ChunkDemand>().Chunks);  // one more per chunk received
        }
        peer.Reply(chunks[^1]);

        var done = ExpectMsg<WeightCacheActor.FetchCompleted>();
        Assert.Equal(["good"], done.Layers.Select(l => l.Layer));
        Assert.Equal(good.Data, done.Layers[0].Data);
        Assert.Equal(good.Bytes + bad.Bytes, done.Bytes);
        Assert.Contains("checksum", done.Error, StringComparison.Ordinal);
        Assert.True(done.Answered);
        peer.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void A_chunk_out_of_order_aborts_the_transfer_and_keeps_what_was_complete()
    {
        var peer = CreateTestProbe();
        var first = Layer("first", 1024, 3);
        var second = Layer("second", 2048, 4);
        StartFetcher(peer, "first", "second");
        peer.Reply(new TransferOpened(1, [new LayerHeader("first", 7, first.Bytes, first.Checksum), new LayerHeader("second", 7, second.Bytes, second.Checksum)]));
        peer.ExpectMsg<ChunkDemand>();
        var chunks = Chunks(1, [first.Data, second.Data], 1024).ToList();
        peer.Reply(chunks[0]);
        peer.ExpectMsg<ChunkDemand>();
        peer.Reply(chunks[2]);                                       // chunk 1 skipped
        peer.ExpectMsg<TransferAborted>();
        var done = ExpectMsg<WeightCacheActor.FetchCompleted>();
        Assert.Equal(["first"], done.Layers.Select(l => l.Layer));
        Assert.Contains("chunk 2 arrived where 1 was due", done.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_layer_announced_larger_than_max_layer_mb_is_refused_before_anything_is_allocated()
    {
        var peer = CreateTestProbe();
        var small = Layer("small", 1024, 7);
        StartFetcher(peer, "small", "huge");
        // a peer (broken or hostile) announces a 1.5 GB layer: the default bound is 1024 MB
        peer.Reply(new TransferOpened(1, [new LayerHeader("small", 7, small.Bytes, small.Checksum), new LayerHeader("huge", 7, 1536L << 20, 0)]));
        Assert.Contains("out of range", peer.ExpectMsg<TransferAborted>().Reason, StringComparison.Ordinal);
        var done = ExpectMsg<WeightCacheActor.FetchCompleted>();
        Assert.Empty(done.Layers);
        Assert.Equal(0, done.Bytes);
        Assert.Contains("layer huge of 1610612736 bytes", done.Error, StringComparison.Ordinal);
        Assert.Contains("actornas.weight-cache.max-layer-mb", done.Error, StringComparison.Ordinal);
        peer.ExpectNoMsg(TimeSpan.FromMilliseconds(200));            // no demand for chunks
    }

    [Fact]
    public void A_silent_peer_ends_the_fetch_after_the_timeout_as_unanswered()
    {
        var peer = CreateTestProbe();
        StartFetcher(peer, "a");
        var done = ExpectMsg<WeightCacheActor.FetchCompleted>(TimeSpan.FromSeconds(20));
        Assert.Empty(done.Layers);
        Assert.False(done.Answered);
        Assert.Contains("no answer", done.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_sender_sends_no_more_chunks_than_granted_and_stops_when_done()
    {
        var receiver = CreateTestProbe();
        var layers = new[] { Layer("x", 2500, 5), Layer("y", 600, 6), LayerPayload.Of("z", 7, []) };
        var sender = Sys.ActorOf(LayerSender.Props(9, layers, 1000, receiver.Ref, TimeSpan.FromSeconds(10)));
        Watch(sender);
        var opened = receiver.ExpectMsg<TransferOpened>();
        Assert.Equal([("x", 2500L), ("y", 600L), ("z", 0L)], opened.Layers.Select(h => (h.Layer, h.Length)));
        Assert.Equal(layers.Select(l => l.Checksum), opened.Layers.Select(h => h.Checksum));
        receiver.ExpectNoMsg(TimeSpan.FromMilliseconds(300));         // nothing before credit

        sender.Tell(new ChunkDemand(9, 2), receiver.Ref);
        var received = new List<LayerChunk> { receiver.ExpectMsg<LayerChunk>(), receiver.ExpectMsg<LayerChunk>() };
        receiver.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        sender.Tell(new ChunkDemand(9, 5), receiver.Ref);             // more credit than chunks left
        received.Add(receiver.ExpectMsg<LayerChunk>());
        received.Add(receiver.ExpectMsg<LayerChunk>());
        receiver.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        ExpectTerminated(sender);

        Assert.Equal([0, 1, 2, 3], received.Select(c => c.Sequence));
        Assert.Equal([1000, 1000, 1000, 100], received.Select(c => c.Data.Length));   // chunks span layer boundaries
        Assert.Equal(layers.SelectMany(l => l.Data), received.SelectMany(c => c.Data));
    }
}
