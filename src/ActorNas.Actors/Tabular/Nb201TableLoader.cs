using System.IO.Compression;
using ActorNas.Core.Tabular;

namespace ActorNas.Actors.Tabular;

/// <summary>
/// Opens NAS-Bench-201 tables for <see cref="Nb201Table.Read"/>: a file named by the user, or the copy built into this
/// assembly (<see cref="Shipped"/>, Nb201TableLoader.Shipped.cs). Core parses; this side does the I/O.
/// </summary>
public static partial class Nb201TableLoader
{
    /// <summary>Reads a table file: CSV, or CSV compressed with gzip when the name ends in <c>.gz</c>.</summary>
    public static Nb201Table Load(string path)
    {
        if (!File.Exists(path))
            throw new TableFormatException($"benchmark table {path} does not exist; pass a NAS-Bench-201 CSV (or .csv.gz) " +
                "with --table PATH, or leave --table out to use the table shipped with ActorNas");
        using var file = File.OpenRead(path);
        using var reader = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new StreamReader(new GZipStream(file, CompressionMode.Decompress))
            : new StreamReader(file);
        try
        {
            return Nb201Table.Read(reader, path);
        }
        catch (InvalidDataException e)
        {
            throw new TableFormatException($"{path} is not a gzip file ({e.Message}); a name ending in .gz is read as gzip, any other as plain CSV");
        }
    }

    /// <summary>The table at <paramref name="path"/>, or the shipped one when the path is empty.</summary>
    public static Nb201Table LoadOrShipped(string? path) => string.IsNullOrWhiteSpace(path) ? Shipped : Load(path);
}
