using ActorNas.Actors.Runtime;
using ActorNas.Actors;
using ActorNas.Actors.Caching;
using ActorNas.Actors.Configuration;
using ActorNas.Core;
using ActorNas.Core.Caching;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Spaces;
using ActorNas.Torch.Evaluators;
using ActorNas.Torch.Training;
using Akka.Actor;
using Akka.Configuration;
using Xunit;
using Xunit.Abstractions;

namespace ActorNas.Torch.Tests.Training;

/// <summary>
/// The train evaluator on two nodes (two ActorSystems on loopback, each with its WeightCache): a child evaluated on
/// the node that did not train its parent gets the parent's layers over the network and trains exactly as it does on
/// the parent's own node, bit for bit.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class RemoteTransferTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly SequentialSpace Space = TrainingTestKit.Sequential(2);
    private static readonly Genotype Parent = Space.Parse("dense:32:relu/zero|dense:48:tanh/zero");
    private static readonly Genotype Child = Space.Parse("dense:32:relu/zero|dense:64:tanh/zero");
    private static readonly WeightCacheSettings Settings = new("lru", 64L << 20, FetchTimeout: TimeSpan.FromSeconds(30), ChunkBytes: 16 * 1024);

    private readonly List<ActorSystem> _systems = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var system in _systems) await system.Terminate();
    }

    private (string Node, ActorLayerCache Cache) StartNode()
    {
        var config = ConfigurationFactory.ParseString("""
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
            akka.remote.log-remote-lifecycle-events = off
            akka.loglevel = WARNING
            """).WithFallback(ActorSystemConfig.Serialization);
        var system = ActorSystem.Create(ActorSystemConfig.SystemName, config);
        _systems.Add(system);
        var address = ((ExtendedActorSystem)system).Provider.DefaultAddress;
        var node = $"{address.Host}:{address.Port}";
        return (node, new ActorLayerCache(WeightCacheNode.EnsureStarted(system, Settings, node), Settings.Timeout));
    }

    [Fact]
    public async Task A_child_on_another_node_trains_from_the_parents_layers_fetched_over_the_network_exactly_as_on_the_parents_node()
    {
        using var workshop = new TorchWorkshop(TrainingTestKit.Options(trainImages: 300, validationImages: 100), Environment.ProcessorCount);
        var (nodeA, cacheA) = StartNode();
        var (nodeB, cacheB) = StartNode();
        var evaluator = new TrainEvaluator(workshop, 0);
        var onA = TrainingTestKit.Context(Space) with { Node = nodeA, LayerCache = cacheA };
        var onB = TrainingTestKit.Context(Space) with { Node = nodeB, LayerCache = cacheB };

        var parent = await evaluator.EvaluateAsync(new Candidate(1, null, Parent, 1), onA, CancellationToken.None);
        Assert.Equal(3.0, parent.Metrics!["cacheLayersRequested"]);

        var remote = await evaluator.EvaluateAsync(new Candidate(2, 1, Child, 1, nodeA), onB, CancellationToken.None);
        var local = await evaluator.EvaluateAsync(new Candidate(2, 1, Child, 1, nodeA), onA, CancellationToken.None);
        output.WriteLine($"remote: {string.Join(", ", remote.Metrics!.Where(kv => kv.Key.StartsWith("cache", StringComparison.Ordinal)).Select(kv => $"{kv.Key} {kv.Value:G4}"))}");

        Assert.NotNull(remote.Metrics);
        // dense_0 is the one layer the child shares with its parent: fetched from node A, then trained on node B
        Assert.Equal((1, 1.0, 0.0), (remote.TransferredLayers, remote.Metrics["cacheRemoteHits"], remote.Metrics["cacheLocalHits"]));
        Assert.True(remote.Metrics["cacheBytesFetched"] > 784 * 32 * 4, "dense_0's weights crossed the network");
        Assert.NotNull(local.Metrics);
        Assert.Equal((1, 0.0, 1.0), (local.TransferredLayers, local.Metrics["cacheRemoteHits"], local.Metrics["cacheLocalHits"]));
        Assert.Equal(local.Metrics["transferredParameters"], remote.Metrics["transferredParameters"]);
        // the same inherited bytes, the same seed: the same training, bit for bit
        Assert.Equal(local.Metrics["finalLoss"], remote.Metrics["finalLoss"]);
        Assert.Equal(local.Objective, remote.Objective);

        // node B kept a copy of dense_0 by policy: the bytes are node A's, bit for bit
        var layer = Trainer.LayerIdentities(Space, Child, workshop.Data, workshop.Settings)[0];
        var fromA = await cacheA.FetchAsync(new LayerRequest(3, null, null, 2, [layer]), CancellationToken.None);
        var fromB = await cacheB.FetchAsync(new LayerRequest(3, null, null, 2, [layer]), CancellationToken.None);
        Assert.Equal(fromA.Layers[layer].Data, fromB.Layers[layer].Data);
        Assert.Equal(1L, fromB.Stats.RemoteHits);
    }
}
