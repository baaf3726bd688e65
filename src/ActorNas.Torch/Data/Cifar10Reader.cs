namespace ActorNas.Torch.Data;

/// <summary>
/// Reads the binary version of CIFAR-10 (cifar-10-binary.tar.gz, folder cifar-10-batches-bin): files of 3,073-byte
/// records, each one label byte (0-9) followed by a 32x32 colour image as 1,024 red, 1,024 green and 1,024 blue bytes,
/// each plane row-major. That is already the (C, H, W) layout, so records are copied as they are.
/// </summary>
public static class Cifar10Reader
{
    public const int Classes = 10;
    public const int Channels = 3;
    public const int Size = 32;
    public const int ImageBytes = Channels * Size * Size;
    public const int RecordBytes = 1 + ImageBytes;

    /// <summary>The five training batches, 10,000 images each.</summary>
    public static IReadOnlyList<string> TrainFiles { get; } =
        ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"];

    /// <summary>The test batch (not used by the search).</summary>
    public const string TestFile = "test_batch.bin";

    public static RawImages ReadBatch(string path) => ReadBatches([path]);

    /// <summary>The records of the files one after another, in the order given.</summary>
    public static RawImages ReadBatches(IReadOnlyList<string> paths)
    {
        if (paths.Count == 0) throw new ArgumentException("no CIFAR-10 batch files given", nameof(paths));
        var lengths = new long[paths.Count];
        long total = 0;
        for (var f = 0; f < paths.Count; f++)
        {
            var info = new FileInfo(paths[f]);
            if (!info.Exists) throw new DatasetException($"{paths[f]}: file not found");
            lengths[f] = info.Length;
            if (info.Length == 0 || info.Length % RecordBytes != 0)
                throw new DatasetException(
                    $"{paths[f]}: {info.Length} bytes is not a whole number of CIFAR-10 records ({RecordBytes} bytes each: 1 label byte + {ImageBytes} pixel bytes); " +
                    "a truncated file, or not the binary version of CIFAR-10?");
            total += info.Length / RecordBytes;
        }
        if (total * ImageBytes > Array.MaxLength) throw new DatasetException($"{string.Join(", ", paths)}: too many images ({total}) for one array");

        var count = (int)total;
        var pixels = new byte[(long)count * ImageBytes];
        var labels = new byte[count];
        var image = 0;
        for (var f = 0; f < paths.Count; f++)
        {
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(paths[f]);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new DatasetException($"{paths[f]}: cannot be read ({e.GetType().Name}: {e.Message})");
            }
            if (bytes.LongLength != lengths[f]) throw new DatasetException($"{paths[f]}: changed while being read");
            var records = bytes.Length / RecordBytes;
            for (var r = 0; r < records; r++, image++)
            {
                var offset = r * RecordBytes;
                var label = bytes[offset];
                if (label >= Classes)
                    throw new DatasetException($"{paths[f]}: record {r} (byte offset {offset}) has label {label}; CIFAR-10 labels are 0-{Classes - 1}");
                labels[image] = label;
                Buffer.BlockCopy(bytes, offset + 1, pixels, image * ImageBytes, ImageBytes);
            }
        }
        return new RawImages(string.Join(" + ", paths), count, Channels, Size, Size, pixels, labels);
    }
}
