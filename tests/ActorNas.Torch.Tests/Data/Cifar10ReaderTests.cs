using ActorNas.Torch.Data;
using Xunit;
using static TorchSharp.torch;

namespace ActorNas.Torch.Tests.Data;

public sealed class Cifar10ReaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>The test's pixel at (image, channel, row, column): distinct enough to catch any layout mix-up.</summary>
    private static byte Value(int image, int channel, int row, int column) => (byte)(image * 37 + channel * 85 + row * 7 + column * 3);

    private static byte Label(int image) => (byte)((image * 7 + 3) % 10);

    /// <summary>Records first, first + 1, ... in the CIFAR-10 binary layout: label, then the R, G and B planes, each row-major.</summary>
    private static byte[] Records(int first, int count)
    {
        var bytes = new byte[count * Cifar10Reader.RecordBytes];
        for (var r = 0; r < count; r++)
        {
            var image = first + r;
            var offset = r * Cifar10Reader.RecordBytes;
            bytes[offset++] = Label(image);
            for (var c = 0; c < 3; c++)
                for (var y = 0; y < 32; y++)
                    for (var x = 0; x < 32; x++)
                        bytes[offset++] = Value(image, c, y, x);
        }
        return bytes;
    }

    [Fact]
    public void ReadsRecordsChannelMajor()
    {
        var first = _dir.File("data_batch_1.bin");
        var second = _dir.File("data_batch_2.bin");
        File.WriteAllBytes(first, Records(0, 3));
        File.WriteAllBytes(second, Records(3, 2));

        var raw = Cifar10Reader.ReadBatches([first, second]);

        Assert.Equal((5, 3, 32, 32), (raw.Count, raw.Channels, raw.Height, raw.Width));
        Assert.Equal(Enumerable.Range(0, 5).Select(Label).ToArray(), raw.Labels);
        for (var i = 0; i < 5; i++)
            for (var c = 0; c < 3; c++)
                for (var y = 0; y < 32; y++)
                    for (var x = 0; x < 32; x++)
                        Assert.Equal(Value(i, c, y, x), raw.Pixel(i, c, y, x));

        var one = Cifar10Reader.ReadBatch(second);
        Assert.Equal(2, one.Count);
        Assert.Equal(Value(4, 2, 31, 0), one.Pixel(1, 2, 31, 0));
    }

    [Fact]
    public void BadLengthAndLabelsAreRejected()
    {
        var truncated = _dir.File("data_batch_1.bin");
        File.WriteAllBytes(truncated, Records(0, 2)[..^100]);
        var e = Assert.Throws<DatasetException>(() => Cifar10Reader.ReadBatch(truncated));
        Assert.Contains(truncated, e.Message);
        Assert.Contains("3073", e.Message);

        var empty = _dir.File("empty.bin");
        File.WriteAllBytes(empty, []);
        Assert.Throws<DatasetException>(() => Cifar10Reader.ReadBatch(empty));

        var badLabel = _dir.File("bad_label.bin");
        var bytes = Records(0, 3);
        bytes[2 * Cifar10Reader.RecordBytes] = 10;
        File.WriteAllBytes(badLabel, bytes);
        e = Assert.Throws<DatasetException>(() => Cifar10Reader.ReadBatch(badLabel));
        Assert.Contains("record 2", e.Message);
        Assert.Contains("label 10", e.Message);

        var missing = _dir.File("data_batch_9.bin");
        e = Assert.Throws<DatasetException>(() => Cifar10Reader.ReadBatch(missing));
        Assert.Contains("not found", e.Message);
    }

    [Fact]
    public void LoaderSplitsOffTheLastFiveThousandAndKeepsTheLayout()
    {
        // Five batches of 1,001 images: 5,005 in all, so 5 training images and 5,000 validation images.
        var folder = Path.Combine(_dir.Path, "cifar-10-batches-bin");
        Directory.CreateDirectory(folder);
        for (var b = 0; b < 5; b++) File.WriteAllBytes(Path.Combine(folder, $"data_batch_{b + 1}.bin"), Records(b * 1001, 1001));

        // The folder above the unpacked one is accepted too.
        using var split = DatasetLoader.Load(new DataSettings("cifar10", _dir.Path));

        Assert.Equal(new long[] { 5, 3, 32, 32 }, split.Train.Images.shape);
        Assert.Equal(new long[] { 5000, 3, 32, 32 }, split.Validation.Images.shape);
        Assert.Equal(10, split.Train.Classes);
        Assert.Equal(ScalarType.Float32, split.Train.Images.dtype);
        Assert.Equal(ScalarType.Int64, split.Train.Labels.dtype);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => (long)Label(i)).ToArray(), split.Train.Labels.data<long>().ToArray());
        Assert.Equal(Enumerable.Range(5, 5000).Select(i => (long)Label(i)).ToArray(), split.Validation.Labels.data<long>().ToArray());

        // Un-normalised, the tensors hold the test's pixels / 255 at the same (image, channel, row, column).
        var mean = split.Train.ChannelMean;
        var std = split.Train.ChannelStd;
        Assert.Equal(3, mean.Count);
        Assert.Equal(mean, split.Validation.ChannelMean);
        foreach (var (set, first) in new[] { (split.Train, 0), (split.Validation, 5) })
            foreach (var (i, c, y, x) in new[] { (0, 0, 0, 0), (1, 2, 31, 5), (4, 1, 17, 30), (2, 0, 3, 29) })
            {
                var value = set.Images[i, c, y, x].item<float>() * std[c] + mean[c];
                Assert.Equal(Value(first + i, c, y, x) / 255f, value, 1e-5f);
            }

        // Per-channel statistics of the training split.
        using var trainMean = split.Train.Images.mean([0, 2, 3]);
        using var trainStd = split.Train.Images.std([0, 2, 3], unbiased: false);
        Assert.All(trainMean.data<float>().ToArray(), m => Assert.Equal(0f, m, 1e-4f));
        Assert.All(trainStd.data<float>().ToArray(), s => Assert.Equal(1f, s, 1e-4f));
    }

    [Fact]
    public void MissingFilesAreNamed()
    {
        File.WriteAllBytes(_dir.File("data_batch_1.bin"), Records(0, 1));
        var e = Assert.Throws<DatasetException>(() => DatasetLoader.Load(new DataSettings("cifar10", _dir.Path)));
        Assert.Contains("data_batch_2.bin", e.Message);
        Assert.Contains("data_batch_5.bin", e.Message);
        Assert.Contains("--data-dir", e.Message);

        e = Assert.Throws<DatasetException>(() => DatasetLoader.Load(new DataSettings("cifar10")));
        Assert.Contains("--data-dir", e.Message);
        Assert.Contains("data_batch_1.bin", e.Message);

        e = Assert.Throws<DatasetException>(() => DatasetLoader.Load(new DataSettings("CIFAR10", Path.Combine(_dir.Path, "absent"))));
        Assert.Contains("does not exist", e.Message);
        Assert.Contains("--data-dir", e.Message);
    }
}
