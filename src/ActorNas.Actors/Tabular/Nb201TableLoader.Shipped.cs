using System.IO.Compression;
using ActorNas.Core.Tabular;

namespace ActorNas.Actors.Tabular;

public static partial class Nb201TableLoader
{
    /// <summary>Where the shipped table comes from, as <see cref="Nb201Table.Source"/> names it.</summary>
    public const string ShippedSource = "the shipped NAS-Bench-201 table (data/nb201/nb201_merged.csv.gz)";

    private const string ShippedResource = "ActorNas.Actors.Tabular.nb201_merged.csv.gz";

    private static readonly Lazy<Nb201Table> LazyShipped = new(() =>
    {
        using var reader = OpenShippedCsv();
        return Nb201Table.Read(reader, ShippedSource);
    });

    /// <summary>
    /// The NAS-Bench-201 table of the repository (data/nb201, MIT), built into this assembly so that the tabular
    /// evaluator needs no path. Loaded once per process, and as strictly as any other table.
    /// </summary>
    public static Nb201Table Shipped => LazyShipped.Value;

    /// <summary>The shipped table as CSV text (decompressed), for whoever wants to read or write it out.</summary>
    public static TextReader OpenShippedCsv()
    {
        var assembly = typeof(Nb201TableLoader).Assembly;
        var stream = assembly.GetManifestResourceStream(ShippedResource)
            ?? throw new InvalidOperationException($"{ShippedResource} is not embedded in {assembly.GetName().Name}; " +
                "the build lost data/nb201/nb201_merged.csv.gz (see src/ActorNas.Actors/ActorNas.Actors.csproj)");
        return new StreamReader(new GZipStream(stream, CompressionMode.Decompress));
    }
}
