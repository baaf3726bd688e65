using ActorNas.Core.Spaces;

namespace ActorNas.Analysis;

/// <summary>
/// Section 2: where mutations land. Position counts overall and per third of the search (by proposal order), the
/// distribution of the transferable prefix length (positions before the first change, whose layers a child can take
/// from its parent), and the model size of every evaluated candidate over time.
/// </summary>
public sealed record MutationLanding(
    IReadOnlyList<int> Positions,
    IReadOnlyList<IReadOnlyList<int>> PositionsByPhase,
    IReadOnlyList<int> PrefixLengths,
    double MeanPrefixLength,
    string SizeUnit,
    IReadOnlyList<SeriesPoint> ModelSize)
{
    public static readonly string[] PhaseNames = ["first third", "middle third", "last third"];

    public static MutationLanding Compute(ISearchSpace space, IReadOnlyList<Proposal> proposals, IReadOnlyList<Evaluation> evaluations,
        IReadOnlyDictionary<long, Core.Genotype> genotypes, IReadOnlyDictionary<long, IReadOnlyDictionary<string, double>?> metrics) =>
        Compute(space, proposals, evaluations, id => genotypes[id], id => metrics.GetValueOrDefault(id));

    /// <param name="genotypeOf">The genotype of an evaluated candidate.</param>
    /// <param name="metricsOf">The metrics an evaluated candidate reported (null: none).</param>
    public static MutationLanding Compute(ISearchSpace space, IReadOnlyList<Proposal> proposals, IReadOnlyList<Evaluation> evaluations,
        Func<long, Core.Genotype> genotypeOf, Func<long, IReadOnlyDictionary<string, double>?> metricsOf)
    {
        var positions = new int[space.Length];
        var phases = Enumerable.Range(0, 3).Select(_ => new int[space.Length]).ToArray();
        var prefixes = new int[space.Length + 1];
        var prefixSum = 0L;
        var mutated = 0;
        foreach (var p in proposals)
        {
            if (p.Mutation is not { } m) continue;
            positions[m.Position]++;
            phases[Phase(p.Index, proposals.Count)][m.Position]++;
            var prefix = space.TransferablePrefixLength(m.Position);
            prefixes[prefix]++;
            prefixSum += prefix;
            mutated++;
        }

        var unit = ModelSizes.Unit(space);
        var sizes = evaluations.OrderBy(e => e.Finish)
            .Select(e => new SeriesPoint(e.Finish, ModelSizes.Of(space, genotypeOf(e.Id), metricsOf(e.Id))))
            .ToList();
        return new MutationLanding(positions, phases, prefixes, mutated == 0 ? double.NaN : (double)prefixSum / mutated, unit, sizes);
    }

    /// <summary>0, 1 or 2: which third of <paramref name="count"/> proposals the <paramref name="index"/>-th falls in.</summary>
    public static int Phase(int index, int count) => count <= 0 ? 0 : Math.Min(2, 3 * index / count);
}

/// <summary>A model's size from its genotype: NB201 or hierarchical-space parameters (millions), or the total width of a sequential stack.</summary>
public static class ModelSizes
{
    public static string Unit(ISearchSpace space) => space is SequentialSpace ? "total dense units" : "parameters (M)";

    public static double Of(ISearchSpace space, Core.Genotype genotype, IReadOnlyDictionary<string, double>? metrics)
    {
        if (metrics is not null && metrics.TryGetValue("megaParameters", out var recorded)) return recorded;
        return space switch
        {
            Nb201Space => Nb201Skeleton.Cifar10.Cost(genotype).MegaParameters,
            Core.Spaces.Hierarchical.HierarchicalSpace hierarchical => hierarchical.Cost(genotype).MegaParameters,
            SequentialSpace sequential => Enumerable.Range(0, sequential.Settings.Layers)
                .Sum(layer => sequential.Operation(genotype[2 * layer])?.Units ?? 0),
            _ => double.NaN,
        };
    }
}
