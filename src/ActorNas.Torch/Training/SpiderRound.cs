using System.Diagnostics;
using ActorNas.Core;
using ActorNas.Core.Growth;
using ActorNas.Core.Spaces.SpiderNet;
using ActorNas.Torch.Data;
using ActorNas.Torch.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace ActorNas.Torch.Training;

/// <summary>
/// One SpiderNet training round, CPU-sized (research notes 1.9): SGD with momentum 0.9 and weight decay 3e-4 over
/// every parameter, gates included (the decay pulls them towards 0); learning rate 0.05 falling to 0 on a cosine over
/// the round; drop-path 0.1; after every batch each gate's openness is counted and the gates are clipped to ±0.05.
/// </summary>
public sealed record SpiderRoundSettings(int Epochs = 3, int BatchSize = 64, double LearningRate = 0.05, double Momentum = 0.9,
    double WeightDecay = 3e-4, double DropPath = 0.1, double GateClip = 0.05, double PruneBelow = GateWindow.PruneBelow)
{
    public void Validate()
    {
        if (Epochs < 1) throw new ArgumentException($"epochs must be >= 1, got {Epochs}");
        if (BatchSize < 1) throw new ArgumentException($"batch-size must be >= 1, got {BatchSize}");
        if (!(LearningRate > 0)) throw new ArgumentException($"learning-rate must be > 0, got {LearningRate}");
        if (DropPath is < 0 or >= 1) throw new ArgumentException($"drop-path must be in [0, 1), got {DropPath}");
        if (!(GateClip > 0)) throw new ArgumentException($"gate-clip must be > 0, got {GateClip}");
    }
}

/// <summary>An op pruned in a round, named in the cell numbering the round started with.</summary>
public sealed record PrunedOp(int Cell, int From, int To, SpiderOp Op, double OpenFraction);

/// <summary>What a round gave: the genotype after pruning (what the next round starts from), the ops pruned, the
/// validation accuracy of the trained network (before pruning), its last loss, steps, parameters and seconds.</summary>
public sealed record SpiderRoundOutcome(Genotype Pruned, IReadOnlyList<PrunedOp> PrunedOps, double ValidationAccuracy, double FinalLoss,
    int Steps, long Parameters, double TrainSeconds);

/// <summary>Trains one round of a SpiderNet genotype from scratch on one thread, deterministically for a seed, and prunes
/// the ops whose gates were open in fewer than a quarter of its batches (<see cref="GateWindow"/>).</summary>
public static class SpiderRound
{
    public static SpiderRoundOutcome Train(SpiderNetSpace space, Genotype genotype, DataSplit data, SpiderRoundSettings settings, long seed,
        Device device, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        try
        {
            using var scope = NewDisposeScope();
            var train = data.Train;
            var network = Trainer.BuildSeeded(seed,
                () => new SpiderNetwork(space, genotype, new InputShape(train.Channels, train.Height, train.Width, train.Classes)).to(device));
            using (network)
            {
                // drop-path draws from its own generator: the global one is shared with every slot's thread
                using var dropPath = new Generator(unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + 1));
                network.DropPath = settings.DropPath;
                network.DropPathGenerator = dropPath;
                var gates = network.Gates.ToList();
                var window = new GateWindow(gates.Count);
                var clock = Stopwatch.StartNew();
                var (loss, steps) = Fit(network, gates, window, train, settings, seed, device, cancel);
                var seconds = clock.Elapsed.TotalSeconds;
                var accuracy = Trainer.Accuracy(network, data.Validation, device);
                var pruned = window.ToPrune(settings.PruneBelow)
                    .Select(g => new PrunedOp(gates[g].Cell, gates[g].From, gates[g].To, gates[g].Op, window.OpenFraction(g))).ToList();
                var cells = network.Cells
                    .Select((cell, c) => cell.Prune(pruned.Where(p => p.Cell == c).Select(p => (p.From, p.To, p.Op))))
                    .ToList();
                return new SpiderRoundOutcome(space.Encode(cells), pruned, accuracy, loss, steps,
                    network.parameters().Sum(p => p.numel()), seconds);
            }
        }
        finally
        {
            NativeHeap.Trim();
        }
    }

    private static (double Loss, int Steps) Fit(SpiderNetwork network, List<SpiderGate> gates, GateWindow window, ImageSet train,
        SpiderRoundSettings settings, long seed, Device device, CancellationToken cancel)
    {
        network.train();
        var parameters = network.parameters().ToList();
        using var optimizer = optim.SGD(parameters, settings.LearningRate, momentum: settings.Momentum, weight_decay: settings.WeightDecay);
        var schedule = optim.lr_scheduler.CosineAnnealingLR(optimizer, settings.Epochs * ShuffledBatches.BatchesPerEpoch(train, settings.BatchSize));
        // the gate vectors of every edge, each read once per batch
        var edges = gates.Select(g => g.Gate).DistinctBy(g => g.Handle).ToList();
        var slot = gates.Select(g => (Edge: edges.FindIndex(e => e.Handle == g.Gate.Handle), Index: (int)g.Op)).ToArray();
        var open = new bool[gates.Count];
        return ShuffledBatches.Run(train, settings.Epochs, settings.BatchSize, seed, device, cancel, (x, y, step) =>
        {
            optimizer.zero_grad();
            var loss = SpiderNetwork.Loss(network.ForwardHeads(x), y);
            var value = loss.item<float>();
            if (!double.IsFinite(value))
                throw new TrainingDivergedException($"SpiderNet round diverged: the loss is {value} at step {step + 1}; lower the learning rate");
            loss.backward();
            optimizer.step();
            schedule.step();
            using (no_grad())
            {
                var values = edges.Select(e => e.to_type(ScalarType.Float64).cpu().data<double>().ToArray()).ToList();
                for (var g = 0; g < slot.Length; g++) open[g] = values[slot[g].Edge][slot[g].Index] > 0;
                foreach (var e in edges) e.clamp_(-settings.GateClip, settings.GateClip);
            }
            window.Record(open);
            return value;
        });
    }
}
