using System.Diagnostics;
using ActorNas.Core.Spaces.Hierarchical;
using ActorNas.Torch.Data;
using ActorNas.Torch.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace ActorNas.Torch.Training;

/// <summary>
/// What training a region supernet gave: softmax(α_s) per stage (the FaDE weights), the last loss, steps, time, and the
/// supernet's own validation accuracy (its α-weighted mixture, not any single architecture's; NaN when not measured).
/// </summary>
public sealed record RegionOutcome(
    IReadOnlyList<IReadOnlyList<double>> CandidateWeights, double FinalLoss, int Steps, double TrainSeconds, double ValidationAccuracy);

/// <summary>Trains the supernet of a region from scratch, on one thread, deterministically for a seed.</summary>
public static class RegionTrainer
{
    private const double MaxGradientNorm = 5.0;

    /// <summary>Builds the supernet with libtorch's generator seeded by <paramref name="seed"/> (weights, then α ~ U(0,1)).</summary>
    public static RegionSupernet Build(Region region, InputShape input, long seed, Device device) =>
        Trainer.BuildSeeded(seed, () => new RegionSupernet(region, input).to(device));

    /// <param name="measureAccuracy">Also classify the validation images with the trained supernet (a search's step needs
    /// only the weights).</param>
    public static RegionOutcome Train(Region region, DataSplit data, RegionTrainingSettings settings, long seed, Device device,
        CancellationToken cancel, bool measureAccuracy = true)
    {
        ArgumentNullException.ThrowIfNull(region);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        try
        {
            using var scope = NewDisposeScope();
            var train = data.Train;
            using var supernet = Build(region, new InputShape(train.Channels, train.Height, train.Width, train.Classes), seed, device);
            var clock = Stopwatch.StartNew();
            var (loss, steps) = Fit(supernet, train, settings, seed, device, cancel);
            var seconds = clock.Elapsed.TotalSeconds;
            var accuracy = measureAccuracy ? Accuracy(supernet, data.Validation, device) : double.NaN;
            return new RegionOutcome(supernet.CandidateWeights(), loss, steps, seconds, accuracy);
        }
        finally
        {
            NativeHeap.Trim();
        }
    }

    private static (double Loss, int Steps) Fit(RegionSupernet supernet, ImageSet train, RegionTrainingSettings settings, long seed,
        Device device, CancellationToken cancel)
    {
        supernet.train();
        var weights = supernet.Weights;
        var alphas = supernet.Alphas;
        var joint = settings.Mode == RegionTrainingMode.Joint;
        using var weightOptimizer = optim.Adam(joint ? [.. weights, .. alphas] : weights, settings.LearningRate);
        using var alphaOptimizer = joint ? null : optim.Adam(alphas, settings.LearningRate);
        var batches = ShuffledBatches.BatchesPerEpoch(train, settings.BatchSize);
        return ShuffledBatches.Run(train, settings.Epochs, settings.BatchSize, seed, device, cancel, (x, y, step) =>
        {
            // first order: even steps move α, odd steps the weights (both on training batches, as the authors' code)
            var (optimizer, parameters) = joint || step % 2 == 1
                ? (weightOptimizer, joint ? [.. weights, .. alphas] : weights)
                : (alphaOptimizer!, alphas);
            foreach (var group in optimizer.ParamGroups) group.LearningRate = settings.LearningRateAt(step, batches);
            weightOptimizer.zero_grad();
            alphaOptimizer?.zero_grad();
            var loss = nn.functional.cross_entropy(supernet.forward(x), y);
            var value = loss.item<float>();
            // past a NaN every weight is lost: say where, not a supernet at chance with NaN weights
            if (!double.IsFinite(value))
                throw new TrainingDivergedException(
                    $"region supernet training diverged: the loss is {value} at step {step + 1} of {settings.Epochs * batches} " +
                    $"(learning rate {settings.LearningRateAt(step, batches)}); lower the learning rate or switch normalisation on");
            loss.backward();
            nn.utils.clip_grad_norm_(parameters, MaxGradientNorm);
            optimizer.step();
            return value;
        });
    }

    /// <summary>Share of validation images the supernet classifies correctly (its α-weighted mixture).</summary>
    public static double Accuracy(RegionSupernet supernet, ImageSet validation, Device device) => Trainer.Accuracy(supernet, validation, device);
}
