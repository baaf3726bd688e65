using System.Buffers.Binary;
using System.IO.Compression;

namespace ActorNas.Torch.Data;

/// <summary>The images of an IDX images file: <see cref="Count"/> images of <see cref="Rows"/> x <see cref="Columns"/> bytes, row-major.</summary>
public sealed record IdxImages(int Count, int Rows, int Columns, byte[] Pixels);

/// <summary>
/// Reads the IDX format of MNIST and Fashion-MNIST, gzip-compressed (detected by the magic bytes 1F 8B) or not. An
/// images file is the big-endian magic 0x00000803 (unsigned bytes, 3 dimensions), the image count, the rows and the
/// columns, then the pixels; a labels file is the magic 0x00000801 (unsigned bytes, 1 dimension), the count, then
/// one byte per label. Every problem (not found, not IDX, wrong kind, truncated, extra bytes, counts that disagree)
/// is a <see cref="DatasetException"/> naming the file.
/// </summary>
public static class IdxReader
{
    public const int ImagesMagic = 0x00000803;
    public const int LabelsMagic = 0x00000801;

    /// <summary>Reads an images file and its labels file, which must hold as many labels as there are images.</summary>
    public static RawImages Read(string imagesPath, string labelsPath)
    {
        var images = ReadImages(imagesPath);
        var labels = ReadLabels(labelsPath);
        if (labels.Length != images.Count)
            throw new DatasetException($"{imagesPath} holds {images.Count} images but {labelsPath} holds {labels.Length} labels; the counts must agree");
        return new RawImages($"{imagesPath} + {labelsPath}", images.Count, 1, images.Rows, images.Columns, images.Pixels, labels);
    }

    public static IdxImages ReadImages(string path) => Parse(path, ImagesMagic, (stream, header) =>
    {
        var count = header[0];
        var rows = header[1];
        var columns = header[2];
        if (count < 0 || rows <= 0 || columns <= 0)
            throw new DatasetException($"{path}: bad IDX images dimensions: count {count}, rows {rows}, columns {columns}");
        var pixels = ReadPayload(path, stream, (long)count * rows * columns, $"{count} images of {rows}x{columns}");
        return new IdxImages(count, rows, columns, pixels);
    });

    public static byte[] ReadLabels(string path) => Parse(path, LabelsMagic, (stream, header) =>
    {
        var count = header[0];
        if (count < 0) throw new DatasetException($"{path}: bad IDX labels count {count}");
        return ReadPayload(path, stream, count, $"{count} labels");
    });

    private static T Parse<T>(string path, int expectedMagic, Func<Stream, int[], T> readPayload)
    {
        if (!File.Exists(path)) throw new DatasetException($"{path}: file not found");
        try
        {
            using var stream = Open(path);
            var dimensions = expectedMagic & 0xFF;
            Span<byte> header = stackalloc byte[4 + 4 * dimensions];
            var read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            if (read < 4)
                throw new DatasetException($"{path}: not an IDX file: {read} bytes, too short for the 4-byte magic number");
            var magic = BinaryPrimitives.ReadInt32BigEndian(header);
            if (magic != expectedMagic)
                throw new DatasetException($"{path}: wrong magic number 0x{magic:X8}: expected 0x{expectedMagic:X8} (an IDX {Kind(expectedMagic)} file){Describe(magic)}");
            if (read < header.Length)
                throw new DatasetException($"{path}: truncated IDX header: {read} bytes, need {header.Length} (magic and {dimensions} dimension sizes)");
            var sizes = new int[dimensions];
            for (var i = 0; i < dimensions; i++) sizes[i] = BinaryPrimitives.ReadInt32BigEndian(header[(4 + 4 * i)..]);
            return readPayload(stream, sizes);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new DatasetException($"{path}: cannot be read ({e.GetType().Name}: {e.Message}); a damaged or incomplete download?");
        }
    }

    private static byte[] ReadPayload(string path, Stream stream, long length, string what)
    {
        if (length > Array.MaxLength) throw new DatasetException($"{path}: {what} is {length} bytes, more than one array can hold");
        var payload = new byte[length];
        var read = stream.ReadAtLeast(payload, payload.Length, throwOnEndOfStream: false);
        if (read < payload.Length)
            throw new DatasetException($"{path}: truncated: the header announces {what} ({length} bytes after the header) but only {read} bytes follow");
        Span<byte> probe = stackalloc byte[1];
        if (stream.Read(probe) != 0)
            throw new DatasetException($"{path}: the header announces {what} ({length} bytes after the header) but more bytes follow");
        return payload;
    }

    /// <summary>The file, decompressed on the fly when it starts with the gzip magic 1F 8B.</summary>
    private static Stream Open(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            Span<byte> magic = stackalloc byte[2];
            var gzip = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false) == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
            file.Position = 0;
            return gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static string Kind(int magic) => magic switch
    {
        ImagesMagic => "images",
        LabelsMagic => "labels",
        _ => "unknown",
    };

    private static string Describe(int magic) => magic switch
    {
        ImagesMagic or LabelsMagic => $"; this is an IDX {Kind(magic)} file",
        _ when (magic >> 16) == 0 && (magic >> 8 & 0xFF) == 0x08 => $"; this is an IDX file of {magic & 0xFF} dimensions",
        _ => "; not an IDX file",
    };
}
