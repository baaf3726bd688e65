using ActorNas.Core;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;
using ActorNas.Torch.Data;
using ActorNas.Torch.Models;
using ActorNas.Torch.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ActorNas.Torch.Evaluators;

/// <summary>
/// Sizes of SpiderNet's train-free metrics, CPU-sized as in the research notes (section 1.9).
/// </summary>
/// <param name="NtkWidth">The NTK's narrow copy of an NB201 network: channels of the first stage (3: 3/6/12).</param>
/// <param name="NtkUnits">The NTK's narrow copy of a sequential network: the most units a dense layer keeps. Wider than
/// the channel count because a channel is a unit at every pixel: with 3 units, a sample whose 3 first-layer ReLUs are
/// all off (1 in 8) has no weight gradient at all, and Theta was singular for every genotype and seed we tried.</param>
/// <param name="NtkSamples">Training images in the NTK batch (Theta is this square).</param>
/// <param name="LrcWidth">The region count's narrow copy of an NB201 network (1: 1/2/4 channels).</param>
/// <param name="LrcUnits">The region count's narrow copy of a sequential network: about the ReLUs of one width-1
/// convolution on a 3x3 crop (9); at 1 unit a 3-layer network has at most 8 regions whatever its genotype.</param>
/// <param name="LrcSamples">Random crops the regions are counted on.</param>
/// <param name="CropSize">Side of the square crops, one random channel each.</param>
public sealed record TrainFreeSettings(int NtkWidth = 3, int NtkUnits = 16, int NtkSamples = 64, int LrcWidth = 1, int LrcUnits = 8,
    int LrcSamples = 1000, int CropSize = 3)
{
    public static TrainFreeSettings Default { get; } = new();
}

/// <summary>
/// SpiderNet's train-free metrics on narrow copies of a genotype's network: the NTK condition number (NB201 width 3,
/// Kaiming fan-out initialisation, one fixed batch of training images) and the linear-region count (NB201 width 1,
/// Kaiming fan-in, fixed random crops of one channel); <see cref="TrainFreeSettings"/> has the sizes. The images and crops are chosen by the search seed alone, so every candidate of
/// a search is measured on the same inputs; the weights by the network seed. Both copies run in float64 (see
/// <see cref="Training.NtkConditionNumber"/> for why; they are narrow, so it costs little).
/// </summary>
public sealed class TrainFreeScoring : IDisposable
{
    private readonly TorchWorkshop _workshop;
    private readonly ISearchSpace _space;
    private readonly long _searchSeed;
    private readonly Device _device;
    private Tensor? _ntkBatch;
    private Tensor? _crops;

    public TrainFreeScoring(TorchWorkshop workshop, ISearchSpace space, long searchSeed, Device device, TrainFreeSettings? settings = null)
    {
        _workshop = workshop;
        _space = space;
        _searchSeed = searchSeed;
        _device = device;
        Settings = settings ?? TrainFreeSettings.Default;
        if (Settings.NtkWidth < 1 || Settings.NtkUnits < 1 || Settings.LrcWidth < 1 || Settings.LrcUnits < 1 || Settings.NtkSamples < 2
            || Settings.LrcSamples < 1 || Settings.CropSize < 1)
            throw new ArgumentException($"train-free metric sizes must be positive (and at least 2 NTK samples): {Settings}", nameof(settings));
    }

    public TrainFreeSettings Settings { get; }

    /// <summary>kappa of the genotype's narrow NTK copy; lower is better.</summary>
    public double NtkConditionNumber(Genotype genotype, long networkSeed)
    {
        using var scope = NewDisposeScope();
        var train = _workshop.Data.Train;
        var input = new InputShape(train.Channels, train.Height, train.Width, train.Classes);
        using var network = Trainer.Build(_space, genotype, input, Narrow(Settings.NtkWidth, Settings.NtkUnits), networkSeed, _device,
            n => Kaiming(n, fanOut: true)).to(ScalarType.Float64);
        return Training.NtkConditionNumber.Of(network, NtkBatch());
    }

    /// <summary>The linear-region count of the genotype's narrow region copy; more is better.</summary>
    public int LinearRegions(Genotype genotype, long networkSeed)
    {
        using var scope = NewDisposeScope();
        var train = _workshop.Data.Train;
        var input = new InputShape(1, Settings.CropSize, Settings.CropSize, train.Classes);
        using var network = Trainer.Build(_space, genotype, input, Narrow(Settings.LrcWidth, Settings.LrcUnits), networkSeed, _device,
            n => Kaiming(n, fanOut: false)).to(ScalarType.Float64);
        return LinearRegionCount.Of(network, Crops());
    }

    /// <summary>
    /// The scorer of the ntk or linear-regions screening proxy: the raw metric (kappa, or the region count) of a mutant,
    /// its network seeded from the search seed and the genotype (a mutant has no candidate id yet).
    /// <see cref="ProxyModel"/> turns it into "higher is more promising".
    /// </summary>
    public static Func<Genotype, double> Proxy(TorchWorkshop workshop, ISearchSpace space, long searchSeed, ProxyKind kind)
    {
        // lives as long as the search's scorer: the batch and crops are kept for every mutant
        var scoring = new TrainFreeScoring(workshop, space, searchSeed, TorchDevices.ForSlot(workshop.Settings.Device, 0));
        Func<Genotype, long, double> metric = kind switch
        {
            ProxyKind.Ntk => scoring.NtkConditionNumber,
            ProxyKind.LinearRegions => (g, seed) => scoring.LinearRegions(g, seed),
            _ => throw new ArgumentException($"{kind} is not a train-free metric proxy (ntk, linear-regions)", nameof(kind)),
        };
        return genotype =>
        {
            var key = genotype.Aggregate(DeterministicRandom.Mix((ulong)searchSeed), (h, v) => DeterministicRandom.Mix(h ^ (ulong)v));
            return metric(genotype, (long)key);
        };
    }

    private NetworkSettings Narrow(int channels, int units) => new(channels, _workshop.Settings.Nb201CellsPerStage, units);

    private Tensor NtkBatch() => _ntkBatch ??= NtkInputs(_workshop.Data.Train, Settings.NtkSamples, _searchSeed, _device);

    private Tensor Crops() => _crops ??= RegionInputs(_workshop.Data.Train, Settings.LrcSamples, Settings.CropSize, _searchSeed, _device);

    /// <summary>The NTK's images, float64: the first <paramref name="samples"/> of a permutation drawn from
    /// <paramref name="seed"/> (at most all of them). The caller owns the tensor.</summary>
    public static Tensor NtkInputs(ImageSet train, int samples, long seed, Device device)
    {
        using var scope = NewDisposeScope();
        var size = Math.Min(samples, train.Count);
        if (size < 2) throw new InvalidOperationException($"the NTK needs at least 2 training images, the data has {train.Count}");
        using var generator = new Generator((ulong)seed);
        var index = randperm(train.Count, generator: generator).narrow(0, 0, size);
        return train.Images.index_select(0, index).to(float64).to(device).DetachFromDisposeScope();
    }

    /// <summary>The regions' inputs, float64: (samples, 1, s, s) crops at random images, channels and places, drawn from
    /// <paramref name="seed"/>. The caller owns the tensor.</summary>
    public static Tensor RegionInputs(ImageSet train, int samples, int cropSize, long seed, Device device)
    {
        using var scope = NewDisposeScope();
        var images = train.Images;
        var (count, channels, height, width) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3]);
        var s = cropSize;
        if (s > height || s > width) throw new InvalidOperationException($"crops of {s}x{s} do not fit images of {height}x{width}");
        using var generator = new Generator(DeterministicRandom.Mix((ulong)seed ^ CropStream));
        long[] size = [samples];
        var image = randint(0, count, size, generator: generator);
        var channel = randint(0, channels, size, generator: generator);
        var top = randint(0, height - s + 1, size, generator: generator);
        var left = randint(0, width - s + 1, size, generator: generator);
        var pixels = new List<Tensor>(s * s);
        for (var dy = 0; dy < s; dy++)
        for (var dx = 0; dx < s; dx++)
            pixels.Add(images.index(TensorIndex.Tensor(image), TensorIndex.Tensor(channel), TensorIndex.Tensor(top + dy), TensorIndex.Tensor(left + dx)));
        return stack(pixels, 1).reshape(samples, 1, s, s).to(float64).to(device).DetachFromDisposeScope();
    }

    // keeps the crops' draws apart from the NTK batch's, which use the search seed itself
    private const ulong CropStream = 0x6c72635f63726f70;

    /// <summary>
    /// Kaiming-normal kernels: convolutions fan-out for the NTK copy and fan-in for the LRC copy (the authors'); linear
    /// layers always fan-in, because a dense layer of 3 units on 784 inputs initialised by its fan-out (3) saturates at
    /// once and its kernel is singular for every genotype (the authors' networks have one linear layer, the classifier).
    /// </summary>
    internal static void Kaiming(SearchNetwork network, bool fanOut)
    {
        using var noGrad = no_grad();
        foreach (var (_, module) in network.named_modules())
        {
            var (weight, mode) = module switch
            {
                Conv2d conv => (conv.weight, fanOut ? nn.init.FanInOut.FanOut : nn.init.FanInOut.FanIn),
                Linear linear => (linear.weight, nn.init.FanInOut.FanIn),
                _ => (null, nn.init.FanInOut.FanIn),
            };
            if (weight is not null) nn.init.kaiming_normal_(weight, mode: mode, nonlinearity: nn.init.NonlinearityType.ReLU);
        }
    }

    public void Dispose()
    {
        _ntkBatch?.Dispose();
        _crops?.Dispose();
    }
}
