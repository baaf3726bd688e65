using System.Diagnostics;
using ActorNas.Core;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Spaces;
using ActorNas.Torch.Data;
using ActorNas.Torch.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace ActorNas.Torch.Training;

/// <summary>What one training run produced.</summary>
public sealed record TrainingOutcome(
    double ValidationAccuracy, double FinalLoss, int Steps, long Parameters, int TransferredLayers, long TransferredParameters,
    double TrainSeconds, double TransferSeconds);

/// <summary>
/// Trains one candidate, synchronously, on the calling thread: build (seeded), take matching layers from the store,
/// train with SGD or Adam under a cosine schedule, measure validation accuracy, keep the trained layers. Every tensor
/// lives in a dispose scope, so nothing native outlives the call except what the store keeps.
/// </summary>
public static class Trainer
{
    // libtorch's default generator is process-wide; slots that build networks at once would interleave its draws
    private static readonly Lock BuildGate = new();
    private const double MaxGradientNorm = 5.0;

    public static SearchNetwork Build(ISearchSpace space, Genotype genotype, InputShape input, NetworkOptions options, long seed, Device device)
    {
        lock (BuildGate)
        {
            manual_seed(seed);
            var network = Networks.Build(space, genotype, input, options);
            return network.to(device);
        }
    }

    public static TrainingOutcome Train(ISearchSpace space, Genotype genotype, DataSplit data, TrainingOptions options, LayerStore? store,
        long seed, Device device, CancellationToken cancel)
    {
        try
        {
            return TrainInScope(space, genotype, data, options, store, seed, device, cancel);
        }
        finally
        {
            // libtorch frees into glibc's heap, which keeps the pages; hand them back so a long search stays flat
            NativeHeap.Trim();
        }
    }

    private static TrainingOutcome TrainInScope(ISearchSpace space, Genotype genotype, DataSplit data, TrainingOptions options, LayerStore? store,
        long seed, Device device, CancellationToken cancel)
    {
        using var scope = NewDisposeScope();
        var input = new InputShape(data.Train.Channels, data.Train.Height, data.Train.Width, data.Train.Classes);
        using var network = Build(space, genotype, input, new NetworkOptions(options.Nb201Channels, options.Nb201CellsPerStage), seed, device);

        var clock = Stopwatch.StartNew();
        int transferred = 0;
        long transferredParameters = 0;
        var tensors = LayerTensors.Of(network);
        if (store is not null && options.Transfer)
            foreach (var layer in network.Layers)
            {
                if (!store.TryCopyTo(layer.Identity, tensors[layer.Identity])) continue;
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

        if (store is not null)
            foreach (var layer in network.Layers) store.Put(layer.Identity, tensors[layer.Identity]);
        return new TrainingOutcome(accuracy, loss, steps, total, transferred, transferredParameters, trainSeconds, transferSeconds);
    }

    private static (double Loss, int Steps) Fit(SearchNetwork network, IList<TorchSharp.Modules.Parameter> parameters, ImageSet train,
        TrainingOptions options, long seed, Device device, CancellationToken cancel)
    {
        network.train();
        using var optimizer = options.Optimizer == OptimizerKind.Adam
            ? (optim.Optimizer)optim.Adam(parameters, options.LearningRate, weight_decay: options.WeightDecay)
            : optim.SGD(parameters, options.LearningRate, momentum: options.Momentum, weight_decay: options.WeightDecay);
        var batches = (train.Count + options.BatchSize - 1) / options.BatchSize;
        var totalSteps = options.Epochs * batches;
        var schedule = optim.lr_scheduler.CosineAnnealingLR(optimizer, totalSteps);
        using var generator = new Generator((ulong)seed);
        double last = double.NaN;
        var step = 0;
        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            using var order = randperm(train.Count, generator: generator);
            for (var b = 0; b < batches; b++)
            {
                cancel.ThrowIfCancellationRequested();
                using var stepScope = NewDisposeScope();
                var index = order.narrow(0, b * options.BatchSize, Math.Min(options.BatchSize, train.Count - b * options.BatchSize));
                var x = train.Images.index_select(0, index).to(device);
                var y = train.Labels.index_select(0, index).to(device);
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(network.forward(x), y);
                loss.backward();
                // a bound on the step keeps deep stacks of saturating units from diverging to NaN
                nn.utils.clip_grad_norm_(parameters, MaxGradientNorm);
                optimizer.step();
                schedule.step();
                last = loss.item<float>();
                step++;
            }
        }
        return (last, step);
    }

    /// <summary>Share of validation images classified correctly (the network in eval mode, batches of 512).</summary>
    public static double Accuracy(SearchNetwork network, ImageSet validation, Device device)
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
