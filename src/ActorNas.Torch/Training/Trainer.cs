using System.Diagnostics;
using ActorNas.Core;
using ActorNas.Core.Caching;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Spaces;
using ActorNas.Torch.Data;
using ActorNas.Torch.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace ActorNas.Torch.Training;

/// <summary>What one training run produced.</summary>
/// <param name="Layers">The trained layers, encoded for a weight cache (empty unless asked for with <see cref="LayerTransfer.KeepLayers"/>).</param>
public sealed record TrainingOutcome(
    double ValidationAccuracy, double FinalLoss, int Steps, long Parameters, int TransferredLayers, long TransferredParameters,
    double TrainSeconds, double TransferSeconds, IReadOnlyList<LayerPayload>? Layers = null);

/// <summary>
/// The weight cache's side of one training run: the layers fetched for it (by identity; any that match the network's
/// names and shapes are copied in when transfer is on), and whether to encode the trained layers for the cache, owned
/// by candidate <paramref name="Owner"/>.
/// </summary>
public sealed record LayerTransfer(IReadOnlyDictionary<string, LayerPayload> Inherited, long Owner, bool KeepLayers)
{
    public static readonly LayerTransfer None = new(new Dictionary<string, LayerPayload>(), 0, false);
}

/// <summary>
/// Trains one candidate, synchronously, on the calling thread: build (seeded), take matching layers fetched from the
/// weight cache, train with SGD or Adam under a cosine schedule, measure validation accuracy, encode the trained layers
/// for the cache. Every tensor lives in a dispose scope, so nothing native outlives the call. Fetching and offering are
/// the caller's (asynchronous, before and after this call: never inside a dispose scope).
/// </summary>
public static class Trainer
{
    // libtorch's default generator is process-wide; slots that build networks at once would interleave its draws
    private static readonly Lock BuildGate = new();
    private const double MaxGradientNorm = 5.0;

    /// <summary>
    /// Runs <paramref name="build"/> with libtorch's default generator seeded by <paramref name="seed"/>, while no other
    /// thread builds: the one way a network is built from a seed, so the same seed gives the same weights on any slot.
    /// Whatever draws from the generator (a re-initialisation) belongs inside <paramref name="build"/>.
    /// </summary>
    internal static T BuildSeeded<T>(long seed, Func<T> build)
    {
        lock (BuildGate)
        {
            manual_seed(seed);
            return build();
        }
    }

    public static SearchNetwork Build(ISearchSpace space, Genotype genotype, InputShape input, NetworkSettings options, long seed, Device device,
        Action<SearchNetwork>? initialise = null) =>
        BuildSeeded(seed, () =>
        {
            var network = Networks.Build(space, genotype, input, options);
            initialise?.Invoke(network);
            return network.to(device);
        });

    /// <summary>The identities of the network's layers, in forward order, without building it (what a fetch asks for).</summary>
    public static IReadOnlyList<string> LayerIdentities(ISearchSpace space, Genotype genotype, DataSplit data, TrainingSettings options) =>
        Networks.LayersOf(space, genotype, InputOf(data), new NetworkSettings(options.Nb201Channels, options.Nb201CellsPerStage))
            .Select(l => l.Identity).ToList();

    /// <summary>
    /// Trains with an in-process <see cref="LayerStore"/> (no WeightCache actor): fetches the network's layers from it when
    /// transfer is on, and offers the trained layers to it.
    /// </summary>
    public static TrainingOutcome Train(ISearchSpace space, Genotype genotype, DataSplit data, TrainingSettings options, LayerStore? store,
        long seed, Device device, CancellationToken cancel)
    {
        if (store is null) return Train(space, genotype, data, options, LayerTransfer.None, seed, device, cancel);
        var inherited = options.Transfer
            ? store.Cache.FetchAsync(new LayerRequest(0, null, null, 2, LayerIdentities(space, genotype, data, options)), cancel)
                .GetAwaiter().GetResult().Layers
            : new Dictionary<string, LayerPayload>();
        var outcome = Train(space, genotype, data, options, new LayerTransfer(inherited, 0, KeepLayers: true), seed, device, cancel);
        store.Cache.OfferAsync(outcome.Layers ?? [], cancel).GetAwaiter().GetResult();
        return outcome;
    }

    public static TrainingOutcome Train(ISearchSpace space, Genotype genotype, DataSplit data, TrainingSettings options, LayerTransfer transfer,
        long seed, Device device, CancellationToken cancel)
    {
        try
        {
            return TrainInScope(space, genotype, data, options, transfer, seed, device, cancel);
        }
        finally
        {
            // libtorch frees into glibc's heap, which keeps the pages; hand them back so a long search stays flat
            NativeHeap.Trim();
        }
    }

    private static InputShape InputOf(DataSplit data) => new(data.Train.Channels, data.Train.Height, data.Train.Width, data.Train.Classes);

    private static TrainingOutcome TrainInScope(ISearchSpace space, Genotype genotype, DataSplit data, TrainingSettings options, LayerTransfer transfer,
        long seed, Device device, CancellationToken cancel)
    {
        using var scope = NewDisposeScope();
        var input = InputOf(data);
        using var network = Build(space, genotype, input, new NetworkSettings(options.Nb201Channels, options.Nb201CellsPerStage), seed, device);

        var clock = Stopwatch.StartNew();
        int transferred = 0;
        long transferredParameters = 0;
        var tensors = LayerTensors.Of(network);
        if (options.Transfer)
            foreach (var layer in network.Layers)
            {
                if (!transfer.Inherited.TryGetValue(layer.Identity, out var payload) || !LayerCodec.TryCopyInto(payload.Data, tensors[layer.Identity]))
                    continue;
                transferred++;
                transferredParameters += layer.Parameters;
                if (options.FreezeTransferred)
                    foreach (var p in LayerTensors.ParametersOf(network, layer)) p.requires_grad = false;
            }
        var transferSeconds = clock.Elapsed.TotalSeconds;

        clock.Restart();
        var trainable = network.parameters().Where(p => p.requires_grad).ToList();
        var total = network.parameters().Sum(p => p.NumberOfElements);
        var (loss, steps) = trainable.Count == 0 ? (double.NaN, 0) : Fit(network, trainable, data.Train, options, seed, device, cancel);
        var accuracy = Accuracy(network, data.Validation, device);
        var trainSeconds = clock.Elapsed.TotalSeconds;

        var layers = transfer.KeepLayers
            ? network.Layers.Select(l => LayerPayload.Of(l.Identity, transfer.Owner, LayerCodec.Encode(tensors[l.Identity]))).ToList()
            : [];
        return new TrainingOutcome(accuracy, loss, steps, total, transferred, transferredParameters, trainSeconds, transferSeconds, layers);
    }

    private static (double Loss, int Steps) Fit(SearchNetwork network, IList<TorchSharp.Modules.Parameter> parameters, ImageSet train,
        TrainingSettings options, long seed, Device device, CancellationToken cancel)
    {
        network.train();
        using var optimizer = options.Optimizer == OptimizerKind.Adam
            ? (optim.Optimizer)optim.Adam(parameters, options.LearningRate, weight_decay: options.WeightDecay)
            : optim.SGD(parameters, options.LearningRate, momentum: options.Momentum, weight_decay: options.WeightDecay);
        var schedule = optim.lr_scheduler.CosineAnnealingLR(optimizer, options.Epochs * ShuffledBatches.BatchesPerEpoch(train, options.BatchSize));
        return ShuffledBatches.Run(train, options.Epochs, options.BatchSize, seed, device, cancel, (x, y, _) =>
        {
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(network.forward(x), y);
            loss.backward();
            // a bound on the step keeps deep stacks of saturating units from diverging to NaN
            nn.utils.clip_grad_norm_(parameters, MaxGradientNorm);
            optimizer.step();
            schedule.step();
            return loss.item<float>();
        });
    }

    /// <summary>Share of validation images classified correctly (the network in eval mode, batches of 512).</summary>
    public static double Accuracy(nn.Module<Tensor, Tensor> network, ImageSet validation, Device device)
    {
        network.eval();
        using var _ = no_grad();
        long correct = 0;
        for (var start = 0; start < validation.Count; start += 512)
        {
            using var scope = NewDisposeScope();
            var count = Math.Min(512, validation.Count - start);
            var x = validation.Images.narrow(0, start, count).to(device);
            var y = validation.Labels.narrow(0, start, count).to(device);
            correct += network.forward(x).argmax(1).eq(y).sum().item<long>();
        }
        return validation.Count == 0 ? double.NaN : (double)correct / validation.Count;
    }
}
