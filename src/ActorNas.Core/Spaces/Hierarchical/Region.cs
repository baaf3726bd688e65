namespace ActorNas.Core.Spaces.Hierarchical;

/// <summary>
/// A finite region of the hierarchical space (FaDE): a candidate set of cell graphs per stage. It covers the product
/// of the sets (k^S architectures for k per stage) with only the sum of their sizes as cell instances, which is what
/// makes training a supernet over it linear in depth.
/// </summary>
public sealed class Region
{
    private readonly int[][] _candidates;

    /// <param name="candidates">Per stage, the catalogue indices of its candidate graphs (distinct; their order is the
    /// order of the stage's architecture weights).</param>
    public Region(HierarchicalSpace space, IEnumerable<IEnumerable<int>> candidates)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(candidates);
        Space = space;
        _candidates = [.. candidates.Select(c => c.ToArray())];
        if (_candidates.Length != space.Length)
            throw new ArgumentException($"a region needs one candidate set per stage ({space.Length}), got {_candidates.Length}");
        for (var s = 0; s < _candidates.Length; s++)
        {
            var set = _candidates[s];
            if (set.Length == 0) throw new ArgumentException($"stage {s + 1}'s candidate set is empty");
            if (set.Distinct().Count() != set.Length)
                throw new ArgumentException($"stage {s + 1}'s candidate set repeats a graph: [{string.Join(", ", set)}]");
            if (set.Any(g => g < 0 || g >= space.Catalogue.Count))
                throw new ArgumentException($"stage {s + 1}'s candidates must be catalogue indices 0..{space.Catalogue.Count - 1}: [{string.Join(", ", set)}]");
        }
    }

    /// <summary>The smallest region that holds every genotype given: per stage, the graphs they use there, in first-use order.</summary>
    public static Region Of(HierarchicalSpace space, IEnumerable<Genotype> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        var list = members.ToList();
        foreach (var g in list) space.Validate(g);
        return new Region(space, Enumerable.Range(0, space.Length).Select(s => list.Select(g => g[s]).Distinct()));
    }

    public HierarchicalSpace Space { get; }
    public int Stages => _candidates.Length;

    /// <summary>Stage <paramref name="stage"/>'s candidate graphs (catalogue indices).</summary>
    public IReadOnlyList<int> CandidatesAt(int stage) => _candidates[stage];

    /// <summary>Number of architectures the region covers.</summary>
    public double Size => _candidates.Aggregate(1.0, (n, c) => n * c.Length);

    /// <summary>Per stage, the position of the genotype's graph among the stage's candidates; null when it is not in the region.</summary>
    public int[]? ChoiceOf(Genotype genotype)
    {
        Space.Validate(genotype);
        var choice = new int[Stages];
        for (var s = 0; s < Stages; s++)
        {
            choice[s] = Array.IndexOf(_candidates[s], genotype[s]);
            if (choice[s] < 0) return null;
        }
        return choice;
    }

    /// <summary>The genotype that picks candidate <c>choice[s]</c> at every stage.</summary>
    public Genotype GenotypeOf(IReadOnlyList<int> choice)
    {
        if (choice.Count != Stages) throw new ArgumentException($"a choice names one candidate per stage ({Stages}), got {choice.Count}");
        return new Genotype(Enumerable.Range(0, Stages).Select(s => _candidates[s][choice[s]]));
    }
}

/// <summary>
/// FaDE ranks: after the region's supernet is trained, the softmax of each stage's architecture weights scores the
/// stage's candidates; an architecture of the region scores the mean over stages of its candidates' weights. Scores
/// compare architectures of one region only. (The mean is the research notes' reconstruction; the authors' code records
/// the weights but not how the figure's one number per architecture is formed.)
/// </summary>
public static class FadeRanks
{
    /// <param name="weights">Per stage, softmax(α_s): one weight per candidate, in the region's order.</param>
    public static double Score(Region region, IReadOnlyList<IReadOnlyList<double>> weights, Genotype genotype)
    {
        Check(region, weights);
        var choice = region.ChoiceOf(genotype)
            ?? throw new ArgumentException($"{region.Space.Format(genotype)} is not in the region");
        return Enumerable.Range(0, region.Stages).Average(s => weights[s][choice[s]]);
    }

    /// <summary>The members, best score first; equal scores keep the members' order.</summary>
    public static IReadOnlyList<(Genotype Genotype, double Score)> Rank(Region region, IReadOnlyList<IReadOnlyList<double>> weights,
        IEnumerable<Genotype> members) =>
        [.. members.Select(g => (g, Score(region, weights, g))).OrderByDescending(x => x.Item2)];

    private static void Check(Region region, IReadOnlyList<IReadOnlyList<double>> weights)
    {
        ArgumentNullException.ThrowIfNull(region);
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Count != region.Stages || Enumerable.Range(0, region.Stages).Any(s => weights[s].Count != region.CandidatesAt(s).Count))
            throw new ArgumentException("the weights need one value per candidate of every stage of the region");
    }
}
