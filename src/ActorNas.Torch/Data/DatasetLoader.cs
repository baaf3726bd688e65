using TorchSharp;
using static TorchSharp.torch;

namespace ActorNas.Torch.Data;

/// <summary>
/// Loads a dataset as training and validation tensors on the CPU. Pixels become float32 in [0, 1] and are then
/// normalised per channel with the mean and standard deviation of the (limited) training split; the validation split
/// gets the same numbers. Labels are int64. The validation images always come from the training files (never from an
/// official test set, which the search must not see).
/// </summary>
public static class DatasetLoader
{
    public const string FashionMnist = "fashion-mnist";
    public const string Cifar10 = "cifar10";
    public const string Synthetic = "synthetic";
    public static IReadOnlyList<string> KnownDatasets { get; } = [FashionMnist, Cifar10, Synthetic];

    /// <summary>Where Debian's dataset-fashion-mnist package puts the files.</summary>
    public const string DefaultFashionMnistDir = "/usr/share/datasets/fashion-mnist";

    /// <summary>The four files of Fashion-MNIST (gzip-compressed, as distributed); only the training pair is read.</summary>
    public static IReadOnlyList<string> FashionMnistFiles { get; } =
        ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];

    /// <summary>Validation: the last this many of the 60,000 Fashion-MNIST training images; training: the rest.</summary>
    public const int FashionMnistValidation = 10_000;

    /// <summary>Validation: the last this many of the 50,000 CIFAR-10 training images; training: the rest.</summary>
    public const int Cifar10Validation = 5_000;

    /// <summary>Synthetic data without limits: this many images of 1x28x28 in 10 classes.</summary>
    public const int SyntheticTrain = 2_000, SyntheticValidation = 500, SyntheticClasses = 10;

    public static DataSplit Load(DataSettings options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.TrainLimit < 0) throw new DatasetException($"the training limit must be 0 (all) or positive, not {options.TrainLimit}");
        if (options.ValidationLimit < 0) throw new DatasetException($"the validation limit must be 0 (all) or positive, not {options.ValidationLimit}");
        var name = (options.Dataset ?? "").Trim().ToLowerInvariant();
        return name switch
        {
            FashionMnist => LoadFashionMnist(options),
            Cifar10 => LoadCifar10(options),
            Synthetic => LoadSynthetic(options),
            _ => throw new DatasetException($"unknown dataset '{options.Dataset}'; known datasets: {string.Join(", ", KnownDatasets)}"),
        };
    }

    private static DataSplit LoadFashionMnist(DataSettings options)
    {
        var dir = options.DataDir ?? DefaultFashionMnistDir;
        var images = FindIdx(dir, "train-images-idx3-ubyte");
        var labels = FindIdx(dir, "train-labels-idx1-ubyte");
        var missing = new[] { (images, "train-images-idx3-ubyte.gz"), (labels, "train-labels-idx1-ubyte.gz") }
            .Where(f => f.Item1 is null).Select(f => f.Item2).ToList();
        if (missing.Count > 0)
            throw new DatasetException(
                $"Fashion-MNIST not found: {Path.GetFullPath(dir)} {(Directory.Exists(dir) ? $"lacks {string.Join(" and ", missing)}" : "does not exist")}; " +
                "install it with `sudo apt-get install dataset-fashion-mnist` (Debian/Ubuntu) or point --data-dir at a folder holding the four IDX files " +
                $"({string.Join(", ", FashionMnistFiles)}).");

        var raw = IdxReader.Read(images!, labels!);
        CheckLabels(raw, 10);
        if (raw.Count <= FashionMnistValidation)
            throw new DatasetException($"{images}: {raw.Count} images; Fashion-MNIST's training file has 60,000 (the last {FashionMnistValidation:N0} are the validation split)");
        var train = raw.Count - FashionMnistValidation;
        return Split(FashionMnist, 10, raw, 0, Limit(train, options.TrainLimit), raw, train, Limit(FashionMnistValidation, options.ValidationLimit));
    }

    /// <summary>The file, gzip-compressed (name.gz) or not (name); null when neither exists.</summary>
    private static string? FindIdx(string dir, string name)
    {
        foreach (var candidate in new[] { name + ".gz", name })
        {
            var path = Path.Combine(dir, candidate);
            if (File.Exists(path)) return path;
        }
        return null;
    }

    private static DataSplit LoadCifar10(DataSettings options)
    {
        var expected = $"{string.Join(", ", Cifar10Reader.TrainFiles)} (the binary version of CIFAR-10, " +
                       "cifar-10-binary.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html, unpacked: folder cifar-10-batches-bin)";
        if (string.IsNullOrWhiteSpace(options.DataDir))
            throw new DatasetException($"cifar10 needs --data-dir: a folder holding {expected}");
        var dir = options.DataDir;
        // Accept the folder above the unpacked one too.
        var nested = Path.Combine(dir, "cifar-10-batches-bin");
        if (!File.Exists(Path.Combine(dir, Cifar10Reader.TrainFiles[0])) && Directory.Exists(nested)) dir = nested;
        var paths = Cifar10Reader.TrainFiles.Select(f => Path.Combine(dir, f)).ToList();
        var missing = paths.Where(p => !File.Exists(p)).Select(Path.GetFileName).ToList();
        if (missing.Count > 0)
            throw new DatasetException(
                $"CIFAR-10 not found: {Path.GetFullPath(dir)} {(Directory.Exists(dir) ? $"lacks {string.Join(", ", missing)}" : "does not exist")}; " +
                $"point --data-dir at a folder holding {expected}");

        var raw = Cifar10Reader.ReadBatches(paths);
        if (raw.Count <= Cifar10Validation)
            throw new DatasetException($"{raw.Source}: {raw.Count} images; CIFAR-10's training batches hold 50,000 (the last {Cifar10Validation:N0} are the validation split)");
        var train = raw.Count - Cifar10Validation;
        return Split(Cifar10, Cifar10Reader.Classes, raw, 0, Limit(train, options.TrainLimit), raw, train, Limit(Cifar10Validation, options.ValidationLimit));
    }

    private static DataSplit LoadSynthetic(DataSettings options)
    {
        var train = SyntheticImages.Generate(options.TrainLimit > 0 ? options.TrainLimit : SyntheticTrain, SyntheticClasses, seed: options.Seed, stream: 0);
        var validation = SyntheticImages.Generate(options.ValidationLimit > 0 ? options.ValidationLimit : SyntheticValidation, SyntheticClasses, seed: options.Seed, stream: 1);
        return Split(Synthetic, SyntheticClasses, train, 0, train.Count, validation, 0, validation.Count);
    }

    private static int Limit(int available, int limit) => limit > 0 ? Math.Min(available, limit) : available;

    private static void CheckLabels(RawImages raw, int classes)
    {
        var labels = raw.Labels;
        for (var i = 0; i < labels.Length; i++)
            if (labels[i] >= classes)
                throw new DatasetException($"{raw.Source}: label {labels[i]} at index {i}; expected 0-{classes - 1}");
    }

    /// <summary>
    /// Builds the two sets from the images [trainStart, trainStart + trainCount) of <paramref name="trainSource"/> and
    /// [validationStart, validationStart + validationCount) of <paramref name="validationSource"/>.
    /// </summary>
    internal static DataSplit Split(string name, int classes, RawImages trainSource, int trainStart, int trainCount,
        RawImages validationSource, int validationStart, int validationCount)
    {
        if (trainCount <= 0) throw new DatasetException($"{name}: no training images");
        if (validationCount <= 0) throw new DatasetException($"{name}: no validation images");
        if (trainSource.Channels != validationSource.Channels || trainSource.Height != validationSource.Height || trainSource.Width != validationSource.Width)
            throw new DatasetException($"{name}: training and validation images differ in shape");

        using var scope = NewDisposeScope();
        var sameSource = ReferenceEquals(trainSource, validationSource);
        var trainBytes = ByteTensor(trainSource);
        var validationBytes = sameSource ? trainBytes : ByteTensor(validationSource);
        var trainImages = ToUnitFloat(trainBytes, trainStart, trainCount);
        var validationImages = ToUnitFloat(validationBytes, validationStart, validationCount);

        // Per-channel statistics of the training split (population std); a constant channel keeps std 1.
        var (std, mean) = std_mean(trainImages, [0, 2, 3], unbiased: false);
        var meanValues = mean.data<float>().ToArray();
        var stdValues = std.data<float>().ToArray().Select(s => s > 1e-6f ? s : 1f).ToArray();
        var channels = trainSource.Channels;
        var meanView = tensor(meanValues, [1, channels, 1, 1]);
        var stdView = tensor(stdValues, [1, channels, 1, 1]);
        trainImages.sub_(meanView).div_(stdView);
        validationImages.sub_(meanView).div_(stdView);

        var trainLabels = Labels(trainSource, trainStart, trainCount);
        var validationLabels = Labels(validationSource, validationStart, validationCount);
        var split = new DataSplit(
            new ImageSet($"{name}/train", trainImages.DetachFromDisposeScope(), trainLabels.DetachFromDisposeScope(), classes)
                { ChannelMean = meanValues, ChannelStd = stdValues },
            new ImageSet($"{name}/validation", validationImages.DetachFromDisposeScope(), validationLabels.DetachFromDisposeScope(), classes)
                { ChannelMean = meanValues, ChannelStd = stdValues });
        return split;
    }

    /// <summary>All images of the source as one uint8 (N, C, H, W) tensor, made in one call from the byte array.</summary>
    private static Tensor ByteTensor(RawImages raw) =>
        tensor(raw.Pixels, [raw.Count, raw.Channels, raw.Height, raw.Width], ScalarType.Byte);

    /// <summary>Images [start, start + count) as a new contiguous float32 tensor in [0, 1].</summary>
    private static Tensor ToUnitFloat(Tensor bytes, int start, int count)
    {
        if (start < 0 || count < 0 || start + count > bytes.shape[0])
            throw new ArgumentOutOfRangeException(nameof(start), $"images [{start}, {start + count}) of {bytes.shape[0]}");
        return bytes.narrow(0, start, count).to_type(ScalarType.Float32).div_(255f);
    }

    private static Tensor Labels(RawImages raw, int start, int count)
    {
        var labels = new long[count];
        for (var i = 0; i < count; i++) labels[i] = raw.Labels[start + i];
        return tensor(labels, [count], ScalarType.Int64);
    }
}
