using ActorNas.Actors.Runtime;
using ActorNas.Actors.Caching;
using ActorNas.Actors.Configuration;
using ActorNas.Core.Caching;
using Akka.Actor;
using Akka.Configuration;

namespace ActorNas.Actors.Tests.Caching;

/// <summary>ActorSystems named actornas with remoting on 127.0.0.1 (a free port each) and a WeightCache each.</summary>
internal sealed class CacheNode : IAsyncDisposable
{
    private CacheNode(ActorSystem system, string node, IActorRef cache, WeightCacheSettings settings)
    {
        System = system;
        Node = node;
        Cache = new ActorLayerCache(cache, settings.Timeout);
    }

    public ActorSystem System { get; }
    public string Node { get; }
    public ActorLayerCache Cache { get; }

    public static CacheNode Start(WeightCacheSettings settings, bool remote = true)
    {
        var akka = remote
            ? """
              akka.actor.provider = remote
              akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
              """
            : "";
        var config = ConfigurationFactory.ParseString(akka + """

            akka.loglevel = WARNING
            akka.stdout-loglevel = WARNING
            akka.log-dead-letters = 0
            """).WithFallback(ActorSystemConfig.Serialization);
        var system = ActorSystem.Create(ActorSystemConfig.SystemName, config);
        var address = ((ExtendedActorSystem)system).Provider.DefaultAddress;
        var node = remote ? $"{address.Host}:{address.Port}" : "local";
        return new CacheNode(system, node, WeightCacheNode.EnsureStarted(system, settings, node), settings);
    }

    /// <summary>A node with the cluster provider: the first forms a cluster of its own, a later one joins <paramref name="joinTo"/>'s.</summary>
    public static async Task<CacheNode> StartClusteredAsync(WeightCacheSettings settings, CacheNode? joinTo)
    {
        var config = ConfigurationFactory.ParseString("""
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
            akka.loglevel = WARNING
            akka.stdout-loglevel = WARNING
            akka.log-dead-letters = 0
            """).WithFallback(ActorSystemConfig.Serialization);
        var system = ActorSystem.Create(ActorSystemConfig.SystemName, config);
        var cluster = Akka.Cluster.Cluster.Get(system);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        cluster.Join(joinTo is null ? cluster.SelfAddress : Akka.Cluster.Cluster.Get(joinTo.System).SelfAddress);
        await up.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var node = $"{cluster.SelfAddress.Host}:{cluster.SelfAddress.Port}";
        return new CacheNode(system, node, WeightCacheNode.EnsureStarted(system, settings, node), settings);
    }

    public Task<LayerFetch> Fetch(long candidate, long? donor, string? donorNode, params string[] layers) =>
        Cache.FetchAsync(new LayerRequest(candidate, donor, donorNode, 1, layers), CancellationToken.None);

    public Task Offer(params LayerPayload[] layers) => Cache.OfferAsync(layers, CancellationToken.None);

    public async Task<CacheStats> Stats() => (await Cache.StatsAsync(TimeSpan.FromSeconds(30))).Stats;

    public async ValueTask DisposeAsync() => await System.Terminate();

    public static LayerPayload Random(string layer, long owner, int bytes, int seed)
    {
        var data = new byte[bytes];
        new Random(seed).NextBytes(data);
        return LayerPayload.Of(layer, owner, data);
    }
}
