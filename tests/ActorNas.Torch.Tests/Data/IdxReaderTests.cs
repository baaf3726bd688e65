using System.Buffers.Binary;
using System.IO.Compression;
using ActorNas.Torch.Data;
using Xunit;

namespace ActorNas.Torch.Tests.Data;

public sealed class IdxReaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    internal static byte[] ImagesFile(int count, int rows, int columns, byte[] pixels, int magic = IdxReader.ImagesMagic)
    {
        var bytes = new byte[16 + pixels.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), columns);
        pixels.CopyTo(bytes, 16);
        return bytes;
    }

    internal static byte[] LabelsFile(byte[] labels, int? count = null, int magic = IdxReader.LabelsMagic)
    {
        var bytes = new byte[8 + labels.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count ?? labels.Length);
        labels.CopyTo(bytes, 8);
        return bytes;
    }

    internal static byte[] Gzip(byte[] bytes)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Fastest)) gzip.Write(bytes);
        return memory.ToArray();
    }

    private string Write(string name, byte[] bytes, bool gzip)
    {
        var path = _dir.File(name);
        File.WriteAllBytes(path, gzip ? Gzip(bytes) : bytes);
        return path;
    }

    private static (byte[] Pixels, byte[] Labels) Sample(int count, int rows, int columns)
    {
        var pixels = new byte[count * rows * columns];
        for (var i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i * 31 + i / 7);
        var labels = Enumerable.Range(0, count).Select(i => (byte)(i * 3 % 10)).ToArray();
        return (pixels, labels);
    }

    [Theory]
    [InlineData(false, "images", "labels")]
    [InlineData(true, "images.gz", "labels.gz")]
    [InlineData(true, "images-no-extension", "labels-no-extension")] // gzip is detected by its magic bytes, not the name
    [InlineData(false, "images-raw.gz", "labels-raw.gz")]
    public void RoundTrip(bool gzip, string imagesName, string labelsName)
    {
        var (pixels, labels) = Sample(5, 4, 3);
        var images = Write(imagesName, ImagesFile(5, 4, 3, pixels), gzip);
        var labelsPath = Write(labelsName, LabelsFile(labels), gzip);

        var raw = IdxReader.Read(images, labelsPath);

        Assert.Equal((5, 1, 4, 3), (raw.Count, raw.Channels, raw.Height, raw.Width));
        Assert.Equal(pixels, raw.Pixels);
        Assert.Equal(labels, raw.Labels);
        Assert.Equal(pixels[(2 * 4 + 3) * 3 + 1], raw.Pixel(2, 0, 3, 1));
    }

    [Fact]
    public void EmptyFilesAreValid()
    {
        var raw = IdxReader.Read(Write("i", ImagesFile(0, 28, 28, []), true), Write("l", LabelsFile([]), true));
        Assert.Equal(0, raw.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WrongMagicIsRejected(bool gzip)
    {
        var (pixels, labels) = Sample(2, 2, 2);
        var images = Write("images", ImagesFile(2, 2, 2, pixels), gzip);
        var labelsPath = Write("labels", LabelsFile(labels), gzip);

        // The two files swapped.
        var e = Assert.Throws<DatasetException>(() => IdxReader.Read(labelsPath, images));
        Assert.Contains(labelsPath, e.Message);
        Assert.Contains("magic", e.Message);
        Assert.Contains("0x00000803", e.Message);
        Assert.Contains("labels file", e.Message);

        e = Assert.Throws<DatasetException>(() => IdxReader.ReadLabels(images));
        Assert.Contains(images, e.Message);
        Assert.Contains("0x00000801", e.Message);

        // Not IDX at all.
        var text = Write("text", "this is not an IDX file at all"u8.ToArray(), gzip);
        e = Assert.Throws<DatasetException>(() => IdxReader.ReadImages(text));
        Assert.Contains(text, e.Message);
        Assert.Contains("not an IDX file", e.Message);

        // IDX, but of 2 dimensions.
        var matrix = Write("matrix", ImagesFile(2, 2, 2, pixels, magic: 0x00000802), gzip);
        e = Assert.Throws<DatasetException>(() => IdxReader.ReadImages(matrix));
        Assert.Contains("2 dimensions", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TruncatedPayloadIsRejected(bool gzip)
    {
        var (pixels, labels) = Sample(3, 4, 4);
        var images = Write("images", ImagesFile(3, 4, 4, pixels)[..^5], gzip);
        var e = Assert.Throws<DatasetException>(() => IdxReader.ReadImages(images));
        Assert.Contains(images, e.Message);
        Assert.Contains("truncated", e.Message);
        Assert.Contains("3 images of 4x4", e.Message);
        Assert.Contains("43 bytes follow", e.Message);

        var labelsPath = Write("labels", LabelsFile(labels, count: 4), gzip);
        e = Assert.Throws<DatasetException>(() => IdxReader.ReadLabels(labelsPath));
        Assert.Contains("truncated", e.Message);

        var header = Write("header", ImagesFile(3, 4, 4, [])[..10], gzip);
        e = Assert.Throws<DatasetException>(() => IdxReader.ReadImages(header));
        Assert.Contains("truncated IDX header", e.Message);
    }

    [Fact]
    public void TruncatedGzipStreamIsRejected()
    {
        var (pixels, _) = Sample(50, 28, 28);
        var compressed = Gzip(ImagesFile(50, 28, 28, pixels));
        var images = Write("images.gz", compressed[..(compressed.Length / 2)], gzip: false);
        var e = Assert.Throws<DatasetException>(() => IdxReader.ReadImages(images));
        Assert.Contains(images, e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ExtraBytesAreRejected(bool gzip)
    {
        var (pixels, _) = Sample(2, 3, 3);
        var images = Write("images", [.. ImagesFile(2, 3, 3, pixels), 7, 7], gzip);
        var e = Assert.Throws<DatasetException>(() => IdxReader.ReadImages(images));
        Assert.Contains(images, e.Message);
        Assert.Contains("more bytes follow", e.Message);
    }

    [Fact]
    public void CountMismatchIsRejected()
    {
        var (pixels, labels) = Sample(4, 2, 2);
        var images = Write("images.gz", ImagesFile(4, 2, 2, pixels), true);
        var labelsPath = Write("labels.gz", LabelsFile(labels[..3]), true);
        var e = Assert.Throws<DatasetException>(() => IdxReader.Read(images, labelsPath));
        Assert.Contains(images, e.Message);
        Assert.Contains(labelsPath, e.Message);
        Assert.Contains("4 images", e.Message);
        Assert.Contains("3 labels", e.Message);
    }

    [Fact]
    public void BadDimensionsAndMissingFilesAreRejected()
    {
        var images = Write("images", ImagesFile(-1, 2, 2, []), false);
        var e = Assert.Throws<DatasetException>(() => IdxReader.ReadImages(images));
        Assert.Contains("count -1", e.Message);

        var missing = _dir.File("nothing-here.gz");
        e = Assert.Throws<DatasetException>(() => IdxReader.ReadImages(missing));
        Assert.Contains(missing, e.Message);
        Assert.Contains("not found", e.Message);
    }
}
