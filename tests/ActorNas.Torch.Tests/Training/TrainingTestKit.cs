using System.Globalization;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Spaces;
using ActorNas.Torch.Data;
using ActorNas.Torch.Models;
using ActorNas.Torch.Training;
using Xunit;
using static TorchSharp.torch;

namespace ActorNas.Torch.Tests.Training;

/// <summary>
/// The training tests run one at a time: they time things, cancel mid-training, read the process's memory and change
/// libtorch's thread count (TorchWorkshop), all of which other tests running beside them would disturb. They train on
/// one libtorch thread: on this shared 2-core machine two OpenMP threads under contention from other processes were
/// measured 5-9x slower than one (one NB201 step: 0.8 s against 0.09 s).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TrainingCollection
{
    public const string Name = "Torch training";
}

/// <summary>Fashion-MNIST limited to 5,000 training and 1,000 validation images, loaded once (null where not installed).</summary>
public sealed class FashionMnistSmallFixture : IDisposable
{
    public FashionMnistSmallFixture()
    {
        if (!Tests.Data.FashionMnistAvailability.Installed) return;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Data = DatasetLoader.Load(new DataSettings("fashion-mnist", TrainLimit: 5000, ValidationLimit: 1000));
        LoadTime = watch.Elapsed;
    }

    public DataSplit? Data { get; }
    public TimeSpan LoadTime { get; }

    public void Dispose() => Data?.Dispose();
}

internal static class TrainingTestKit
{
    public static readonly InputShape Mnist = new(1, 28, 28, 10);

    /// <summary>A sequential space of <paramref name="layers"/> layers, widths 32/48/64, relu or tanh.</summary>
    public static SequentialSpace Sequential(int layers) => new(new SequentialSpaceSettings
    {
        Layers = layers,
        Units = [32, 48, 64],
        Activations = ["relu", "tanh"],
    });

    /// <summary>Options for short CPU runs: SGD, lr 0.05, batch 64, one epoch, the tiny NB201 (C=4, N=1).</summary>
    public static TrainingSettings Options(int trainImages = 500, int validationImages = 200, bool transfer = true, bool freeze = false,
        string dataset = "synthetic") =>
        new(Dataset: dataset, TrainImages: trainImages, ValidationImages: validationImages, Epochs: 1, BatchSize: 64,
            Optimizer: OptimizerKind.Sgd, LearningRate: 0.05, Device: "cpu", Transfer: transfer, FreezeTransferred: freeze,
            WeightCacheMb: 64, Nb201Channels: 4, Nb201CellsPerStage: 1, NaswotBatchSize: 32);

    public static DataSplit Synthetic(int train, int validation, long seed = 0) =>
        DatasetLoader.Load(new DataSettings("synthetic", TrainLimit: train, ValidationLimit: validation, Seed: seed));

    public static EvaluationContext Context(ISearchSpace space, long seed = 7, int slot = 0) =>
        new("training-tests", space, seed, "worker-0", "node-0", slot);

    /// <summary>Every state_dict entry (parameters and buffers) as a detached CPU copy, by full name.</summary>
    public static Dictionary<string, Tensor> Snapshot(SearchNetwork network) =>
        network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().cpu().clone().DetachFromDisposeScope(), StringComparer.Ordinal);

    public static void DisposeAll(IEnumerable<Tensor> tensors)
    {
        foreach (var t in tensors) t.Dispose();
    }

    /// <summary>Same shape, dtype and values, bit for bit.</summary>
    public static bool BitEqual(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        return a.shape.SequenceEqual(b.shape) && a.dtype == b.dtype && a.cpu().eq(b.cpu()).all().item<bool>();
    }

    /// <summary>The state_dict names that belong to the layer (its prefix followed by '.').</summary>
    public static IEnumerable<string> NamesOf(IEnumerable<string> names, IdentifiedLayer layer) =>
        names.Where(n => n.StartsWith(layer.Prefix + ".", StringComparison.Ordinal));

    /// <summary>Mean cross-entropy of the network on the first <paramref name="count"/> images of the set, without gradients.</summary>
    public static double Loss(SearchNetwork network, ImageSet set, int count)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        network.eval();
        var x = set.Images.narrow(0, 0, count);
        var y = set.Labels.narrow(0, 0, count);
        return nn.functional.cross_entropy(network.forward(x), y).item<float>();
    }

    /// <summary>The resident set size of this process in kB (VmRSS of /proc/self/status); null where there is no /proc.</summary>
    public static long? ResidentKilobytes()
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path)) return null;
        foreach (var line in File.ReadLines(path))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return null;
    }
}
