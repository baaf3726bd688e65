namespace ActorNas.Core.Spaces;

/// <summary>
/// Reads genotypes: how many choices each position has, how a genotype prints and parses,
/// and which positions a change invalidates.
/// </summary>
public interface ISearchSpace
{
    /// <summary>The name used on the command line and in logs ("nb201", "sequential").</summary>
    string Name { get; }

    /// <summary>Number of positions in every genotype of this space.</summary>
    int Length { get; }

    /// <summary>Number of values position <paramref name="position"/> can take (values are 0..n-1).</summary>
    int ChoicesAt(int position);

    /// <summary>The human-readable form of a genotype (the space's standard string).</summary>
    string Format(Genotype genotype);

    /// <summary>Parses the standard string; throws <see cref="GenotypeFormatException"/> naming what is wrong and where.</summary>
    Genotype Parse(string text);

    /// <summary>
    /// How many leading positions keep their layers when position <paramref name="changedPosition"/> changes.
    /// Positions are laid out in data-flow order, so a change invalidates everything downstream of it.
    /// </summary>
    int TransferablePrefixLength(int changedPosition);

    /// <summary>
    /// The values a mutation at <paramref name="position"/> may move to from <paramref name="current"/> (never
    /// <paramref name="current"/> itself, never empty), or null: any other value, drawn uniformly. A space whose values
    /// have a neighbourhood (a graph one edge away) answers it here.
    /// </summary>
    IReadOnlyList<int>? NeighbourValues(int position, int current) => null;

    /// <summary>
    /// The genotype every search of this space starts from, or null: the first candidates are drawn at random. A space
    /// that grows one network from a fixed start (spidernet) answers that start.
    /// </summary>
    Genotype? Origin => null;

    /// <summary>Positions whose layers a change at <paramref name="changedPosition"/> invalidates.</summary>
    IEnumerable<int> InvalidatedBy(int changedPosition) =>
        Enumerable.Range(TransferablePrefixLength(changedPosition), Length - TransferablePrefixLength(changedPosition));
}

public static class SearchSpaceExtensions
{
    /// <summary>Checks length and value ranges; throws <see cref="GenotypeFormatException"/> on the first problem.</summary>
    public static void Validate(this ISearchSpace space, Genotype genotype)
    {
        if (genotype.Length != space.Length)
            throw new GenotypeFormatException(
                $"a {space.Name} genotype has {space.Length} positions, this one has {genotype.Length}");
        for (var i = 0; i < genotype.Length; i++)
        {
            var n = space.ChoicesAt(i);
            if (genotype[i] < 0 || genotype[i] >= n)
                throw new GenotypeFormatException(
                    $"position {i} of a {space.Name} genotype takes a value in 0..{n - 1}, got {genotype[i]}");
        }
    }

    /// <summary>Parses the space-agnostic integer form "3,0,4,1" and validates it against the space.</summary>
    public static Genotype ParseSequence(this ISearchSpace space, string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], out values[i]))
                throw new GenotypeFormatException($"item {i} of \"{text}\" is \"{parts[i]}\", not an integer");
        var genotype = new Genotype(values);
        space.Validate(genotype);
        return genotype;
    }

    /// <summary>Either the space's standard string or the integer form.</summary>
    public static Genotype ParseAny(this ISearchSpace space, string text) =>
        text.Length > 0 && (char.IsDigit(text[0]) || text[0] == '-') ? space.ParseSequence(text) : space.Parse(text);

    /// <summary>The number of distinct genotypes (as a double: it can exceed long).</summary>
    public static double Size(this ISearchSpace space)
    {
        var size = 1.0;
        for (var i = 0; i < space.Length; i++) size *= space.ChoicesAt(i);
        return size;
    }
}
