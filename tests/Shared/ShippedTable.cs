using System.IO.Compression;

namespace ActorNas.Tests.Shared;

/// <summary>
/// The NAS-Bench-201 table committed with the repository (data/nb201/nb201_merged.csv.gz), read from the file itself,
/// not through ActorNas's loader or its embedded copy, so tests can compare the two. It is part of the repository: a
/// test that needs it fails, never skips, when it is absent.
/// </summary>
/// <remarks>One file, compiled into every test project that needs it (see their csproj), with RepositoryRoot.cs.</remarks>
internal static class ShippedTable
{
    /// <summary>The compressed table in the repository.</summary>
    public static string GzPath { get; } = Path.Combine(RepositoryRoot.Path(), "data", "nb201", "nb201_merged.csv.gz");

    private static readonly Lazy<string[]> LazyLines = new(() =>
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(GzPath), CompressionMode.Decompress));
        var lines = new List<string>();
        while (reader.ReadLine() is { } line) lines.Add(line);
        return [.. lines];
    });

    /// <summary>The CSV's lines, header first (decompressed once per test run).</summary>
    public static IReadOnlyList<string> Lines => LazyLines.Value;

    /// <summary>Writes the table as a plain CSV file into <paramref name="directory"/> and returns its path.</summary>
    public static string WriteCsv(string directory, string name = "nb201_merged.csv")
    {
        var path = Path.Combine(directory, name);
        File.WriteAllLines(path, Lines);
        return path;
    }
}
