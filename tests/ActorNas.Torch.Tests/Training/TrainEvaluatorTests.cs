using System.Diagnostics;
using ActorNas.Core;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Spaces;
using ActorNas.Torch.Evaluators;
using ActorNas.Torch.Models;
using Xunit;
using Xunit.Abstractions;

namespace ActorNas.Torch.Tests.Training;

[Collection(TrainingCollection.Name)]
public sealed class TrainEvaluatorTests(ITestOutputHelper output)
{
    private static readonly SequentialSpace Space = TrainingTestKit.Sequential(2);
    private static readonly Genotype Parent = Space.Parse("dense:32:relu/zero|dense:48:tanh/zero");
    private static readonly Genotype Child = Space.Parse("dense:32:relu/zero|dense:64:tanh/zero");

    private static readonly string[] MetricKeys = ["parameters", "trainSeconds", "transferSeconds", "transferredParameters", "finalLoss", "steps"];

    /// <summary>With transfer on, the weight cache's facts of the evaluation (docs/weight-cache.md).</summary>
    private static readonly string[] CacheKeys = ["cacheLayersRequested", "cacheLocalHits", "cacheDiskHits", "cacheRemoteHits", "cacheBytesFetched",
        "cacheFetchSeconds", "cacheBytes", "cacheDiskBytes", "cacheEvictions", "cacheHitsTotal", "cacheMissesTotal", "cacheRemoteBytesTotal"];

    /// <summary>One libtorch thread per test process: the workshop gives each of ProcessorCount slots one.</summary>
    private static TorchWorkshop Workshop(TrainingSettings options) => new(options, Environment.ProcessorCount);

    [Fact]
    public async Task Evaluates_through_IEvaluator_with_accuracy_and_metrics()
    {
        using var workshop = Workshop(TrainingTestKit.Options(trainImages: 500, validationImages: 200));
        var evaluator = TorchEvaluators.Factory(TorchEvaluators.Train, workshop)!(0);
        Assert.IsType<TrainEvaluator>(evaluator);
        var context = TrainingTestKit.Context(Space);

        var result = await evaluator.EvaluateAsync(new Candidate(1, null, Parent, 1), context, CancellationToken.None);
        Assert.NotNull(result.Metrics);
        output.WriteLine($"parent: accuracy {result.Objective:P1}; " + string.Join(", ", result.Metrics.Select(kv => $"{kv.Key} {kv.Value:G4}")));
        Assert.InRange(result.Objective, 0.0, 1.0);
        Assert.True(result.Objective > 0.2, $"accuracy {result.Objective} on separable synthetic images");
        Assert.Equal(MetricKeys.Concat(CacheKeys).Order(StringComparer.Ordinal), result.Metrics.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((3, 0), (result.Metrics["cacheLayersRequested"], result.Metrics["cacheLocalHits"]));
        Assert.False(result.CacheHit);
        Assert.Equal(Networks.ParametersOf(Space, Parent, TrainingTestKit.Mnist, new NetworkSettings(4, 1)), result.Metrics["parameters"]);
        Assert.Equal(8, result.Metrics["steps"]);            // ceil(500 / 64)
        Assert.True(result.Metrics["trainSeconds"] > 0);
        Assert.True(result.Metrics["transferSeconds"] >= 0);
        Assert.Equal(0, result.Metrics["transferredParameters"]);
        Assert.True(double.IsFinite(result.Metrics["finalLoss"]) && result.Metrics["finalLoss"] > 0);
        Assert.Equal(0, result.TransferredLayers);
        Assert.Equal(3, workshop.FallbackCache!.Stats().Layers);   // dense_0, dense_1 and head were kept for transfer
    }

    [Fact]
    public async Task A_child_takes_the_parents_first_layer_from_the_workshops_store()
    {
        using var workshop = Workshop(TrainingTestKit.Options(trainImages: 300, validationImages: 100));
        var evaluator = new TrainEvaluator(workshop, 0);
        var context = TrainingTestKit.Context(Space);
        await evaluator.EvaluateAsync(new Candidate(1, null, Parent, 1), context, CancellationToken.None);
        var child = await evaluator.EvaluateAsync(new Candidate(2, 1, Child, 1), context, CancellationToken.None);
        Assert.Equal(1, child.TransferredLayers);
        Assert.Equal(784 * 32 + 32, child.Metrics!["transferredParameters"]);

        // a candidate trains the same way whenever it runs: the seed comes from the search seed and the candidate id
        using var other = Workshop(TrainingTestKit.Options(trainImages: 300, validationImages: 100, transfer: false));
        var evaluatorB = new TrainEvaluator(other, 1);
        var first = await evaluatorB.EvaluateAsync(new Candidate(5, null, Parent, 1), context, CancellationToken.None);
        var second = await evaluatorB.EvaluateAsync(new Candidate(5, null, Parent, 2), context, CancellationToken.None);
        Assert.Equal(first.Metrics!["finalLoss"], second.Metrics!["finalLoss"]);
        Assert.Equal(first.Objective, second.Objective);
        Assert.Null(other.FallbackCache);
        Assert.DoesNotContain("cacheLayersRequested", first.Metrics.Keys);
    }

    [Fact]
    public async Task The_contexts_weight_cache_serves_the_child_and_takes_the_trained_layers()
    {
        using var workshop = Workshop(TrainingTestKit.Options(trainImages: 300, validationImages: 100));
        var policy = new HearingPolicy();
        var node = new Core.Caching.InProcessLayerCache(64L << 20, policy);
        var evaluator = new TrainEvaluator(workshop, 0);
        var context = TrainingTestKit.Context(Space) with { LayerCache = node };
        var parent = await evaluator.EvaluateAsync(new Candidate(1, null, Parent, 1), context, CancellationToken.None);
        var child = await evaluator.EvaluateAsync(new Candidate(2, 1, Child, 1, "elsewhere:1"), context, CancellationToken.None);
        // the policy heard of each trained model before its layers: objective, parent, layers in network order
        Assert.Equal([(1L, (long?)null, parent.Objective, 3), (2L, 1L, child.Objective, 3)],
            policy.Heard.Select(m => (m.Id, m.ParentId, m.Objective, m.Layers.Count)));
        Assert.Equal(policy.Heard[0].Layers[0], policy.Heard[1].Layers[0]);   // the transferred first layer
        Assert.NotEqual(policy.Heard[0].Layers[1], policy.Heard[1].Layers[1]);
        Assert.Equal(1, child.TransferredLayers);
        Assert.True(child.CacheHit);
        Assert.Equal((3.0, 1.0, 0.0), (child.Metrics!["cacheLayersRequested"], child.Metrics["cacheLocalHits"], child.Metrics["cacheRemoteHits"]));
        Assert.Equal(5, node.Stats().Layers);                 // the parent's three, the child's dense_1 and head
        Assert.Equal(0, workshop.FallbackCache!.Stats().Layers);
        // the cache's size in the metrics is the one at the fetch, before the child's layers joined
        Assert.True(node.Stats().Bytes > child.Metrics["cacheBytes"] && child.Metrics["cacheBytes"] > 0);
    }

    /// <summary>LRU that records the evaluated models it hears of.</summary>
    private sealed class HearingPolicy : Core.Caching.ICachePolicy
    {
        private readonly Core.Caching.LruPolicy _lru = new();
        public List<Core.Caching.EvaluatedModel> Heard { get; } = [];
        public string Name => "hearing";
        public bool Admits(string layer, long owner) => _lru.Admits(layer, owner);
        public void OnDonorChosen(long donorId) => _lru.OnDonorChosen(donorId);
        public void OnEvaluated(Core.Caching.EvaluatedModel model) => Heard.Add(model);
        public void OnRequested(string layer, bool held) => _lru.OnRequested(layer, held);
        public void OnAdmitted(string layer, long owner, long bytes) => _lru.OnAdmitted(layer, owner, bytes);
        public void OnRemoved(string layer) => _lru.OnRemoved(layer);
        public string Victim() => _lru.Victim();
    }

    private sealed class BrokenCache : Core.Caching.ILayerCache
    {
        public int Offers { get; private set; }

        public Task<Core.Caching.LayerFetch> FetchAsync(Core.Caching.LayerRequest request, CancellationToken cancellationToken) =>
            Task.FromException<Core.Caching.LayerFetch>(new TimeoutException("the cache actor is gone"));

        public Task OfferAsync(IReadOnlyList<Core.Caching.LayerPayload> layers, CancellationToken cancellationToken)
        {
            Offers++;
            return Task.FromException(new TimeoutException("the cache actor is gone"));
        }
    }

    [Fact]
    public async Task A_cache_that_cannot_answer_costs_the_transfer_not_the_candidate()
    {
        using var workshop = Workshop(TrainingTestKit.Options(trainImages: 200, validationImages: 100));
        var broken = new BrokenCache();
        var result = await new TrainEvaluator(workshop, 0).EvaluateAsync(new Candidate(2, 1, Child, 1, "n:1"),
            TrainingTestKit.Context(Space) with { LayerCache = broken }, CancellationToken.None);
        Assert.InRange(result.Objective, 0.0, 1.0);
        Assert.Equal(0, result.TransferredLayers);
        Assert.Equal(2, result.Metrics!["cacheErrors"]);      // the fetch and the offer
        Assert.Equal(1, broken.Offers);
        Assert.DoesNotContain("cacheLayersRequested", result.Metrics.Keys);
        Assert.Null(result.CacheHit);
    }

    [Fact]
    public async Task Cancelling_mid_training_ends_the_task_promptly_as_cancelled()
    {
        // NB201 C=4 N=1 on 6,400 images: 100 steps, several seconds
        var options = TrainingTestKit.Options(trainImages: 6400, validationImages: 100);
        using var workshop = Workshop(options);
        workshop.Prepare();                                   // the data now, not inside the timed part
        var evaluator = new TrainEvaluator(workshop, 0);
        var genotype = new Genotype([3, 3, 1, 1, 3, 3]);
        var context = TrainingTestKit.Context(Nb201Space.Instance);

        // the time of one step, from a short run of the same network (64 images: one step)
        using (var small = Workshop(options with { TrainImages = 64 }))
        {
            var probe = await new TrainEvaluator(small, 0).EvaluateAsync(new Candidate(1, null, genotype, 1), context, CancellationToken.None);
            var perStep = probe.Metrics!["trainSeconds"] / probe.Metrics["steps"];
            output.WriteLine($"one step takes about {perStep * 1000:F0} ms; the full run would take about {100 * perStep:F1} s");
        }

        using var cancel = new CancellationTokenSource();
        var watch = Stopwatch.StartNew();
        var task = evaluator.EvaluateAsync(new Candidate(2, null, genotype, 1), context, cancel.Token);
        await Task.Delay(700);
        Assert.False(task.IsCompleted, "training ended before it was cancelled");
        var cancelledAt = watch.Elapsed;
        cancel.Cancel();
        var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
        var stopped = watch.Elapsed - cancelledAt;
        output.WriteLine($"cancelled after {cancelledAt.TotalSeconds:F2} s; the task ended {stopped.TotalMilliseconds:F0} ms later as {e.GetType().Name}");
        Assert.True(task.IsCanceled, $"task status {task.Status}");
        Assert.Equal(cancel.Token, e.CancellationToken);
        Assert.True(stopped < TimeSpan.FromSeconds(3), $"the task ended {stopped.TotalSeconds:F1} s after the cancellation");

        // a token cancelled before the evaluation starts: cancelled at once
        var early = evaluator.EvaluateAsync(new Candidate(3, null, genotype, 1), context, cancel.Token);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => early);
    }
}
