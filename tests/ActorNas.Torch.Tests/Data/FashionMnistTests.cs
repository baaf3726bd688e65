using ActorNas.Torch.Data;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ActorNas.Torch.Tests.Data;

/// <summary>Fashion-MNIST from Debian's package, loaded once for the class (null where it is not installed: the tests skip).</summary>
public sealed class FashionMnistFixture : IDisposable
{
    public FashionMnistFixture()
    {
        var dir = DatasetLoader.DefaultFashionMnistDir;
        ImagesPath = Path.Combine(dir, "train-images-idx3-ubyte.gz");
        LabelsPath = Path.Combine(dir, "train-labels-idx1-ubyte.gz");
        if (!FashionMnistAvailability.Installed) return;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Full = DatasetLoader.Load(new DataSettings("fashion-mnist"));
        LoadTime = watch.Elapsed;
        Raw = IdxReader.Read(ImagesPath, LabelsPath);
    }

    public string ImagesPath { get; }
    public string LabelsPath { get; }
    public DataSplit? Full { get; }
    public RawImages? Raw { get; }
    public TimeSpan LoadTime { get; }

    public void Dispose() => Full?.Dispose();
}

public sealed class FashionMnistTests(FashionMnistFixture data, ITestOutputHelper output) : IClassFixture<FashionMnistFixture>
{
    [SkippableFact]
    public void FullSplit()
    {
        FashionMnistAvailability.SkipIfMissing();
        var split = data.Full!;
        Assert.Equal(new long[] { 50_000, 1, 28, 28 }, split.Train.Images.shape);
        Assert.Equal(new long[] { 10_000, 1, 28, 28 }, split.Validation.Images.shape);
        Assert.Equal(new long[] { 50_000 }, split.Train.Labels.shape);
        Assert.Equal(new long[] { 10_000 }, split.Validation.Labels.shape);
        Assert.Equal(ScalarType.Float32, split.Train.Images.dtype);
        Assert.Equal(ScalarType.Int64, split.Validation.Labels.dtype);
        Assert.Equal(TorchSharp.DeviceType.CPU, split.Train.Images.device_type);
        Assert.Equal((10, 1, 28, 28), (split.Train.Classes, split.Train.Channels, split.Train.Height, split.Train.Width));
        Assert.Equal("fashion-mnist/validation", split.Validation.Name);

        foreach (var set in new[] { split.Train, split.Validation })
        {
            var counts = new int[10];
            foreach (var label in set.Labels.data<long>().ToArray())
            {
                Assert.InRange(label, 0, 9);
                counts[label]++;
            }
            Assert.All(counts, c => Assert.True(c > 0));
            output.WriteLine($"{set.Name}: images per class {string.Join(" ", counts)}");
        }

        using var mean = split.Train.Images.mean([0, 2, 3]);
        using var std = split.Train.Images.std([0, 2, 3], unbiased: false);
        Assert.Equal(0f, mean.item<float>(), 1e-3f);
        Assert.Equal(1f, std.item<float>(), 1e-3f);
        using var validationMean = split.Validation.Images.mean();
        Assert.InRange(validationMean.item<float>(), -0.05f, 0.05f);
        output.WriteLine($"loaded in {data.LoadTime.TotalMilliseconds:F0} ms");
        output.WriteLine($"normalised with mean {split.Train.ChannelMean[0]:F4}, std {split.Train.ChannelStd[0]:F4} (pixels in [0, 1])");
        Assert.InRange(split.Train.ChannelMean[0], 0.2f, 0.4f);
        Assert.InRange(split.Train.ChannelStd[0], 0.25f, 0.45f);
    }

    [SkippableFact]
    public void ValidationIsTheLastTenThousandOfTheTrainingFile()
    {
        FashionMnistAvailability.SkipIfMissing();
        var split = data.Full!;
        var raw = data.Raw!;
        Assert.Equal(60_000, raw.Count);
        foreach (var (set, first) in new[] { (split.Train, 0), (split.Validation, 50_000) })
        {
            foreach (var i in new[] { 0, 1, 777, set.Count - 1 })
            {
                Assert.Equal(raw.Labels[first + i], set.Labels[i].item<long>());
                using var image = set.Images[i, 0].mul(set.ChannelStd[0]).add_(set.ChannelMean[0]).mul_(255f);
                var values = image.flatten().data<float>().ToArray();
                for (var p = 0; p < values.Length; p++) Assert.Equal(raw.Pixels[(long)(first + i) * 784 + p], values[p], 1e-3f);
            }
        }
    }

    [SkippableFact]
    public void LimitsTakeTheFirstImagesOfEachSplit()
    {
        FashionMnistAvailability.SkipIfMissing();
        using var limited = DatasetLoader.Load(new DataSettings("Fashion-MNIST", TrainLimit: 1000, ValidationLimit: 300));
        Assert.Equal(new long[] { 1000, 1, 28, 28 }, limited.Train.Images.shape);
        Assert.Equal(new long[] { 300, 1, 28, 28 }, limited.Validation.Images.shape);
        using var mean = limited.Train.Images.mean();
        using var std = limited.Train.Images.std(unbiased: false);
        Assert.Equal(0f, mean.item<float>(), 1e-4f);
        Assert.Equal(1f, std.item<float>(), 1e-4f);

        // The same images as the full split's first ones, normalised with the limited split's own statistics.
        var full = data.Full!;
        Assert.NotEqual(full.Train.ChannelMean[0], limited.Train.ChannelMean[0]);
        foreach (var (small, big) in new[] { (limited.Train, full.Train), (limited.Validation, full.Validation) })
        {
            Assert.True(small.Labels.eq(big.Labels[..(int)small.Labels.shape[0]]).all().item<bool>());
            using var a = small.Images * small.ChannelStd[0] + small.ChannelMean[0];
            using var b = big.Images[..small.Count] * big.ChannelStd[0] + big.ChannelMean[0];
            Assert.True(a.allclose(b, rtol: 0, atol: 1e-5));
        }

        // A limit above what there is takes everything.
        using var over = DatasetLoader.Load(new DataSettings("fashion-mnist", TrainLimit: 10, ValidationLimit: 1_000_000));
        Assert.Equal(10, over.Train.Count);
        Assert.Equal(10_000, over.Validation.Count);
    }
}

public sealed class DatasetLoaderErrorTests
{
    [Fact]
    public void MissingFashionMnistSaysHowToGetIt()
    {
        var dir = Path.Combine(Path.GetTempPath(), "actornas-no-such-folder-" + Guid.NewGuid().ToString("N"));
        var e = Assert.Throws<DatasetException>(() => DatasetLoader.Load(new DataSettings("fashion-mnist", dir)));
        Assert.Contains("sudo apt-get install dataset-fashion-mnist", e.Message);
        Assert.Contains("--data-dir", e.Message);
        Assert.Contains(dir, e.Message);

        // A folder that exists but lacks the labels.
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllBytes(Path.Combine(dir, "train-images-idx3-ubyte.gz"), IdxReaderTests.Gzip(IdxReaderTests.ImagesFile(0, 28, 28, [])));
            e = Assert.Throws<DatasetException>(() => DatasetLoader.Load(new DataSettings("fashion-mnist", dir)));
            Assert.Contains("train-labels-idx1-ubyte.gz", e.Message);
            Assert.DoesNotContain("lacks train-images", e.Message);
            Assert.Contains("apt-get", e.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void SmallIdxFolderIsLoadedAndSplit()
    {
        // 10,003 tiny images: 3 for training, 10,000 for validation; uncompressed files are accepted too.
        using var dir = new TempDirectory();
        var count = 10_003;
        var pixels = new byte[count * 4];
        for (var i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i % 251);
        var labels = Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray();
        File.WriteAllBytes(dir.File("train-images-idx3-ubyte"), IdxReaderTests.ImagesFile(count, 2, 2, pixels));
        File.WriteAllBytes(dir.File("train-labels-idx1-ubyte.gz"), IdxReaderTests.Gzip(IdxReaderTests.LabelsFile(labels)));
        using var split = DatasetLoader.Load(new DataSettings("fashion-mnist", dir.Path));
        Assert.Equal(new long[] { 3, 1, 2, 2 }, split.Train.Images.shape);
        Assert.Equal(new long[] { 10_000, 1, 2, 2 }, split.Validation.Images.shape);
        Assert.Equal(new long[] { 3, 4, 5 }, split.Validation.Labels[..3].data<long>().ToArray());

        labels[5] = 10;
        File.WriteAllBytes(dir.File("train-labels-idx1-ubyte.gz"), IdxReaderTests.Gzip(IdxReaderTests.LabelsFile(labels)));
        var e = Assert.Throws<DatasetException>(() => DatasetLoader.Load(new DataSettings("fashion-mnist", dir.Path)));
        Assert.Contains("label 10 at index 5", e.Message);
    }

    [Fact]
    public void UnknownDatasetListsTheKnownOnes()
    {
        var e = Assert.Throws<DatasetException>(() => DatasetLoader.Load(new DataSettings("imagenet")));
        Assert.Contains("imagenet", e.Message);
        Assert.Contains("fashion-mnist", e.Message);
        Assert.Contains("cifar10", e.Message);
        Assert.Contains("synthetic", e.Message);
    }

    [Fact]
    public void NegativeLimitsAreRejected()
    {
        Assert.Throws<DatasetException>(() => DatasetLoader.Load(new DataSettings("synthetic", TrainLimit: -1)));
        Assert.Throws<DatasetException>(() => DatasetLoader.Load(new DataSettings("synthetic", ValidationLimit: -5)));
    }
}
