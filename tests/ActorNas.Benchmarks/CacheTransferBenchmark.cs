using ActorNas.Actors.Runtime;
using System.Diagnostics;
using ActorNas.Actors;
using ActorNas.Actors.Caching;
using ActorNas.Actors.Configuration;
using ActorNas.Core;
using ActorNas.Core.Caching;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;
using ActorNas.Torch.Models;
using ActorNas.Torch.Training;
using Akka.Actor;
using Akka.Configuration;
using static TorchSharp.torch;

namespace ActorNas.Benchmarks;

/// <summary>
/// `cache-transfer`: layers moved between the WeightCaches of two ActorSystems on loopback (remoting over DotNetty TCP,
/// chunks pulled by the receiver), for real model sizes: NB201 C=16 N=5 on CIFAR-shaped input and the default
/// sequential space on Fashion-MNIST-shaped input. Two measurements per model:
/// (1) a whole model fetched from the other node (the receiving cache has room for nothing, so every fetch goes remote):
///     latency and throughput;
/// (2) evaluations: the owner node holds evaluated parents; a child (the parent mutated once) asks its own node, which
///     fetches what it lacks from the owner and keeps a copy (lru): bytes moved between the nodes per evaluation.
/// </summary>
internal static class CacheTransferBenchmark
{
    private sealed record Model(string Name, ISearchSpace Space, InputShape Input, NetworkSettings Options);

    private static readonly Model[] Models =
    [
        new("nb201", Nb201Space.Instance, new InputShape(3, 32, 32, 10), new NetworkSettings(16, 5)),
        new("sequential", new SequentialSpace(), new InputShape(1, 28, 28, 10), new NetworkSettings()),
    ];

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var wholeFetches = options.Quick ? 5 : 30;
        var evaluations = options.Budget ?? (options.Quick ? 20 : 200);
        var parents = options.Quick ? 5 : 20;
        set_num_threads(1);
        // the defaults of actornas.weight-cache (chunk-bytes 65536, chunk-window 8): on 2 busy cores, 120000-byte chunks or
        // windows of 16 to 64 measured no better within the noise, and a window of 32 x 64 KB measured worse
        var settings = new WeightCacheSettings("lru", 2L << 30, FetchTimeout: TimeSpan.FromSeconds(60));
        var json = new BenchJson();
        var total = Stopwatch.StartNew();
        Console.WriteLine($"cache-transfer: two ActorSystems on 127.0.0.1, chunks of {settings.ChunkBytes:N0} bytes, window {settings.ChunkWindow}; " +
                          $"{wholeFetches} whole-model fetches and {evaluations} evaluations over {parents} parents per model");
        foreach (var model in Models)
        {
            await using var owner = await Node.StartAsync(settings);
            // a memory of one byte keeps nothing, so every fetch of this node goes to the owner
            await using var fresh = await Node.StartAsync(settings with { MemoryBytes = 1 });
            await using var child = await Node.StartAsync(settings);

            // the owner holds `parents` evaluated models (untrained weights: the bytes are what matters here)
            var held = new List<(long Id, Genotype Genotype)>();
            var parentLayerBytes = new Dictionary<long, Dictionary<string, long>>();
            long modelBytes = 0;
            int layers = 0;
            for (var id = 1L; id <= parents; id++)
            {
                var genotype = Mutator.RandomGenotype(model.Space, new DeterministicRandom(DeterministicRandom.Mix((ulong)id * 7919)));
                var payloads = Encode(model, genotype, id);
                await owner.Cache.OfferAsync(payloads, CancellationToken.None);
                held.Add((id, genotype));
                parentLayerBytes[id] = payloads.ToDictionary(p => p.Layer, p => p.Bytes);
                modelBytes += payloads.Sum(p => p.Bytes);
                layers += payloads.Count;
            }
            modelBytes /= parents;
            layers /= parents;

            // (1) whole models, every fetch remote; one fetch first to open the association and warm the code up
            var warm = Networks.LayersOf(model.Space, held[0].Genotype, model.Input, model.Options).Select(l => l.Identity).ToList();
            await fresh.Cache.FetchAsync(new LayerRequest(999, held[0].Id, owner.Id, 1, warm), CancellationToken.None);
            var latencies = new List<double>();
            long wholeBytes = 0;
            var wholeClock = Stopwatch.StartNew();
            for (var i = 0; i < wholeFetches; i++)
            {
                var (id, genotype) = held[i % held.Count];
                var ids = Networks.LayersOf(model.Space, genotype, model.Input, model.Options).Select(l => l.Identity).ToList();
                var clock = Stopwatch.StartNew();
                var fetch = await fresh.Cache.FetchAsync(new LayerRequest(1000 + i, id, owner.Id, 1, ids), CancellationToken.None);
                latencies.Add(clock.Elapsed.TotalMilliseconds);
                if (fetch.RemoteHits != ids.Distinct().Count()) throw new InvalidOperationException($"{model.Name}: fetched {fetch.RemoteHits} of {ids.Count} layers");
                wholeBytes += fetch.BytesFetched;
            }
            var throughput = wholeBytes / wholeClock.Elapsed.TotalSeconds / (1 << 20);
            latencies.Sort();

            // (2) evaluations: mutated children of random parents ask their own node
            var random = new DeterministicRandom(42);
            long moved = 0, requested = 0, local = 0, remote = 0, shared = 0;
            var fetchSeconds = 0.0;
            for (var e = 0; e < evaluations; e++)
            {
                var (id, genotype) = held[random.NextInt(held.Count)];
                var (childGenotype, _) = Mutator.Mutate(model.Space, genotype, random);
                var ids = Networks.LayersOf(model.Space, childGenotype, model.Input, model.Options).Select(l => l.Identity).ToList();
                var fetch = await child.Cache.FetchAsync(new LayerRequest(10_000 + e, id, owner.Id, 1, ids), CancellationToken.None);
                // what the child shares with its parent: what a node holding nothing would have to move
                shared += ids.Distinct().Sum(l => parentLayerBytes[id].GetValueOrDefault(l));
                moved += fetch.BytesFetched;
                requested += fetch.Requested;
                local += fetch.LocalHits;
                remote += fetch.RemoteHits;
                fetchSeconds += fetch.FetchSeconds;
            }

            var p50 = Percentile(latencies, 0.5);
            var p95 = Percentile(latencies, 0.95);
            Console.WriteLine($"  {model.Name}: {layers} layers, {modelBytes / 1e6:F2} MB per model; whole-model fetch p50 {p50:F1} ms, p95 {p95:F1} ms, " +
                              $"{throughput:F1} MB/s; per evaluation {moved / (double)evaluations / 1e6:F3} MB moved between nodes " +
                              $"(the child shares {shared / (double)evaluations / 1e6:F3} MB with its parent), " +
                              $"{remote / (double)evaluations:F1} layers remote and {local / (double)evaluations:F1} local of {requested / (double)evaluations:F1} requested, " +
                              $"fetch {fetchSeconds / evaluations * 1000:F1} ms");
            json.Add($"{model.Name}Layers", layers, 0).Add($"{model.Name}ModelMb", modelBytes / 1e6, 3)
                .Add($"{model.Name}WholeFetchP50Ms", p50, 2).Add($"{model.Name}WholeFetchP95Ms", p95, 2).Add($"{model.Name}MbPerSecond", throughput, 1)
                .Add($"{model.Name}MbMovedPerEvaluation", moved / (double)evaluations / 1e6, 4)
                .Add($"{model.Name}MbSharedWithParentPerEvaluation", shared / (double)evaluations / 1e6, 4)
                .Add($"{model.Name}RemoteLayersPerEvaluation", remote / (double)evaluations, 2)
                .Add($"{model.Name}LocalLayersPerEvaluation", local / (double)evaluations, 2)
                .Add($"{model.Name}FetchMsPerEvaluation", fetchSeconds / evaluations * 1000, 2);
        }
        json.Add("chunkBytes", settings.ChunkBytes, 0).Add("chunkWindow", settings.ChunkWindow, 0).Add("evaluations", evaluations, 0)
            .Add("seconds", total.Elapsed.TotalSeconds, 1);
        Console.WriteLine(json);
        return 0;
    }

    private static List<LayerPayload> Encode(Model model, Genotype genotype, long owner)
    {
        using var scope = NewDisposeScope();
        using var network = Trainer.Build(model.Space, genotype, model.Input, model.Options, owner, CPU);
        var tensors = LayerTensors.Of(network);
        return network.Layers.Select(l => LayerPayload.Of(l.Identity, owner, LayerCodec.Encode(tensors[l.Identity]))).ToList();
    }

    private static double Percentile(List<double> sorted, double q) => sorted.Count == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(q * sorted.Count))];

    private sealed class Node : IAsyncDisposable
    {
        private Node(ActorSystem system, string id, ActorLayerCache cache) => (System, Id, Cache) = (system, id, cache);

        public ActorSystem System { get; }

        /// <summary>The node id: host:port of its remoting address.</summary>
        public string Id { get; }
        public ActorLayerCache Cache { get; }

        public static Task<Node> StartAsync(WeightCacheSettings settings)
        {
            var config = ConfigurationFactory.ParseString("""
                akka.actor.provider = remote
                akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
                akka.remote.log-remote-lifecycle-events = off
                # the nodes stop while associated, and each endpoint writer logs that as an error: noise here
                akka.loglevel = OFF
                akka.stdout-loglevel = OFF
                """).WithFallback(ActorSystemConfig.Serialization);
            var system = ActorSystem.Create(ActorSystemConfig.SystemName, config);
            var address = ((ExtendedActorSystem)system).Provider.DefaultAddress;
            var node = $"{address.Host}:{address.Port}";
            return Task.FromResult(new Node(system, node, new ActorLayerCache(WeightCacheNode.EnsureStarted(system, settings, node), settings.Timeout)));
        }

        public async ValueTask DisposeAsync() => await System.Terminate();
    }
}
