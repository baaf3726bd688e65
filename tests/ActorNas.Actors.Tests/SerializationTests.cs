using ActorNas.Actors.Protocol;
using ActorNas.Actors.Serialization;
using ActorNas.Core;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Evolution;
using ActorNas.Core.Events;
using ActorNas.Core.Spaces;
using Akka.Serialization;
using Xunit;
using Xunit.Abstractions;

namespace ActorNas.Actors.Tests;

public sealed class SerializationTests(ITestOutputHelper output) : SqliteTestKit(output)
{
    private static readonly Genotype Genotype = new([3, 1, 0, 4, 2, 2]);
    private static readonly DateTimeOffset At = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    public static TheoryData<object> Messages() =>
    [
        new RequestWork("node/slot-0", "node"),
        new WorkAssigned(new Candidate(7, 3, Genotype, 2)),
        new WorkDone("w", "n", 7, new EvaluationResult(0.5, new Dictionary<string, double> { ["loss"] = 0.1 }, 3, true), At, At.AddSeconds(1)),
        new WorkFailed("w", "n", 7, "boom", At),
        new SearchIsOver("budget"),
        GetSearchStatus.Instance,
        new SearchStatus("s", 1, 2, 0, 0, 1, 0, 1, new Member(1, Genotype, 0.3), null, At),
        new SearchEnded(new SearchStatus("s", 2, 2, 0, 0, 0, 0, 2, null, "budget", At)),
        new SearchCannotRun("s", "why"),
        new MutateParent(9, Genotype),
        new Mutated(9, Genotype.With(0, 1), new Mutation(0, 3, 1)),
        new MutationFailed(9, "why"),
        new MutateParent(9, Genotype, null, "akka.tcp://actornas@127.0.0.1:4054/user/evaluators/evaluator-0#123"),
        new WeighRegion(9, [[4, 1], [2], [0, 5, 6]], 1234567890123),
        new RegionWeighed(9, [[0.25, 0.75], [1.0], [0.5, 0.3, 0.2]]),
        new RegionWeighingFailed(9, "no trainer"),
        new GrowNetwork(9, Genotype, 4611686018427387903),
        new NetworkGrown(9, Genotype.With(0, 1)),
        new GrowingFailed(9, "no grower"),
        GetSearchSetup.Instance,
        new SearchSetup("s", "actornas.search.budget = 3"),
        GetClusterView.Instance,
        new ClusterView(new SearchStatus("s", 1, 2, 0, 0, 1, 0, 1, null, null, At),
            [new SlotView("127.0.0.1:4054/slot-0", "127.0.0.1:4054", 7), new SlotView("127.0.0.1:4054/slot-1", "127.0.0.1:4054", null)]),
        new CandidateProposed(9, 4, Genotype, new Mutation(0, 3, 1), [4, 2], 0, At),
        new CandidateEvaluated(9, 0.25, null, At, At, "w", "n"),
        new WorkAssigned(new Candidate(7, 3, Genotype, 1, "127.0.0.1:4053")),
        GetCacheStats.Instance,
        new WeightCacheStats("127.0.0.1:4053", new Core.Caching.CacheStats("lru", 100, 50, 2, 3, 4, 1, 0, 0, 0, 0, 2, 40, 10)),
        new PullLayers(3, ["a1b2", "c3d4"], 65536),
        new TransferOpened(3, [new LayerHeader("a1b2", 7, 1000, 0xFEDCBA9876543210UL)]),
        new ChunkDemand(3, 8),
        new LayerChunk(3, 12, [1, 2, 3, 250, 0, 0]),
        new TransferAborted(3, "timeout"),
    ];

    [Theory]
    [MemberData(nameof(Messages))]
    public void Every_message_goes_through_the_ActorNas_serializer_and_round_trips(object message)
    {
        var serializer = Sys.Serialization.FindSerializerFor(message);
        var withManifest = Assert.IsType<ActorNasSerializer>(serializer);
        var bytes = withManifest.ToBinary(message);
        var manifest = withManifest.Manifest(message);
        var back = withManifest.FromBinary(bytes, manifest);
        Assert.IsType(message.GetType(), back);
        Assert.Equal(bytes, withManifest.ToBinary(back));
        var text = System.Text.Encoding.UTF8.GetString(bytes);
        Assert.DoesNotContain("$type", text);
        Assert.DoesNotContain("ActorNas.", text);
    }

    [Fact]
    public void A_layer_chunk_travels_as_raw_bytes_not_base64()
    {
        var data = new byte[60_000];
        new Random(1).NextBytes(data);
        var serializer = (ActorNasSerializer)Sys.Serialization.FindSerializerFor(new LayerChunk(1, 0, data));
        var bytes = serializer.ToBinary(new LayerChunk(1, 0, data));
        Assert.InRange(bytes.Length, data.Length, data.Length + 32);
        var back = Assert.IsType<LayerChunk>(serializer.FromBinary(bytes, serializer.Manifest(new LayerChunk(1, 0, data))));
        Assert.Equal(data, back.Data);
        // a truncated chunk is refused, not read short
        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary(bytes[..^1], "layer-chunk.v1"));
    }

    [Fact]
    public void Every_protocol_message_type_is_in_the_manifest_table()
    {
        var protocol = typeof(IActorNasMessage).Assembly.GetTypes()
            .Where(t => typeof(IActorNasMessage).IsAssignableFrom(t) && t is { IsInterface: false, IsAbstract: false });
        Assert.All(protocol, t => Assert.Contains(t, ActorNasSerializer.MessageTypesHandled));
    }

    [Fact]
    public void An_unknown_manifest_is_refused_not_resolved_as_a_type()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerForType(typeof(RequestWork));
        var e = Assert.ThrowsAny<Exception>(() => serializer.FromBinary("{}"u8.ToArray(), "System.IO.FileInfo, System.Private.CoreLib"));
        Assert.Contains("unknown", e.Message);
    }

    [Fact]
    public void The_search_config_survives_the_log_with_its_space_settings()
    {
        var config = new SearchSettings
        {
            Space = new SearchSpaceSpec(SequentialSpace.SpaceName, new SequentialSpaceSettings { Layers = 3, Units = [8, 16], Activations = ["relu"] }),
            Seed = 5,
            Settings = "actornas.search.budget = 3",
        };
        var started = new SearchStarted(config, At);
        var back = (SearchStarted)EventSerializer.FromBytes(EventSerializer.ToBytes(started), EventSerializer.ManifestOf(started));
        Assert.Equal(config, back.Config);
    }
}
