using ActorNas.Core.Spaces;

namespace ActorNas.Core.Evolution;

/// <summary>What ranks the mutants of a parent before one is evaluated.</summary>
public enum ProxyKind
{
    None,
    /// <summary>Training-free: the NB201 network's FLOPs (bigger first). NB201 only.</summary>
    Flops,
    /// <summary>Cheap: a ridge regression of the objective on one-hot genotype features, fitted to the population.</summary>
    Surrogate,
    /// <summary>Training-free: the NASWOT score of the untrained network; the host supplies the scorer (ActorNas.Torch).</summary>
    Naswot,
}

/// <summary>What screening saw: the proxy score of each mutant in draw order, and which one was proposed.</summary>
public sealed record ScreenedMutants(IReadOnlyList<double> Scores, int Chosen);

/// <summary>
/// Hybrid evolution: draw <paramref name="Mutants"/> mutants of the tournament's parent, rank them with the proxy,
/// evaluate only the best. One mutant (the default) is plain Regularized Evolution.
/// </summary>
public sealed record Screening(int Mutants = 1, ProxyKind Proxy = ProxyKind.None)
{
    public static Screening Off { get; } = new();

    public bool IsOn => Mutants > 1 && Proxy != ProxyKind.None;

    public void Validate(SearchSpaceSpec space)
    {
        if (Mutants < 1) throw new ArgumentException($"screening mutants must be >= 1, got {Mutants}");
        if (Mutants > 1 && Proxy == ProxyKind.None)
            throw new ArgumentException($"screening {Mutants} mutants needs a proxy to rank them: set screening.proxy to flops or surrogate");
        if (Proxy == ProxyKind.Flops && space.Name != Nb201Space.SpaceName)
            throw new ArgumentException($"the flops proxy is defined for the nb201 space only, not {space.Name}; use surrogate");
    }
}

/// <summary>
/// A proxy as data, so it can travel to a Mutator in a message: its kind and, for the surrogate, the fitted weights
/// (one per (position, value) feature). Higher scores are more promising.
/// </summary>
public sealed record ProxyModel(ProxyKind Kind, IReadOnlyList<double> Weights)
{
    /// <summary>Whether scoring needs a scorer from outside Core (it builds real networks).</summary>
    public bool NeedsScorer => Kind == ProxyKind.Naswot;

    public double Score(ISearchSpace space, Genotype genotype, Func<Genotype, double>? scorer = null) => Kind switch
    {
        ProxyKind.Flops => Nb201Skeleton.Cifar10.Cost(genotype).Flops,
        ProxyKind.Surrogate => SurrogateFit.Predict(space, Weights, genotype),
        ProxyKind.Naswot => scorer?.Invoke(genotype)
            ?? throw new InvalidOperationException("the naswot proxy needs a scorer (ActorNas.Torch builds the networks); none was given"),
        _ => 0,
    };

    /// <summary>The proxy for the next mutation, from the population as it is now; null when screening is off or there is nothing to fit.</summary>
    public static ProxyModel? For(Screening screening, ISearchSpace space, IReadOnlyList<Member> population) => screening switch
    {
        { IsOn: false } => null,
        { Proxy: ProxyKind.Flops } => new ProxyModel(ProxyKind.Flops, []),
        { Proxy: ProxyKind.Naswot } => new ProxyModel(ProxyKind.Naswot, []),
        _ => SurrogateFit.Fit(space, population) is { } weights ? new ProxyModel(ProxyKind.Surrogate, weights) : null,
    };
}

/// <summary>Draws a parent's child: one mutation, or the proxy's pick among several.</summary>
public static class ChildProposer
{
    /// <summary>
    /// The one way to make a child: the child of <paramref name="parent"/> for candidate <paramref name="candidateId"/>,
    /// drawn from the search's seed and that id, so a Mutator anywhere and the Population itself draw the same one.
    /// <paramref name="scorer"/> serves proxies that build networks (naswot), which throw without one.
    /// </summary>
    public static ChildProposal ChildOf(SearchConfig config, ISearchSpace space, long candidateId, Genotype parent, ProxyModel? proxy,
        Func<Genotype, double>? scorer = null) =>
        ProposeScreened(space, parent, DeterministicRandom.For(config.Seed, candidateId, RandomPurpose.Mutation), config.Mutation,
            config.Screening, proxy, scorer);

    /// <summary>
    /// Screening itself, from any random stream: the first mutant is the one plain evolution would draw; further
    /// mutants continue the same stream. Ties go to the earlier mutant, so a flat proxy changes nothing.
    /// </summary>
    internal static ChildProposal ProposeScreened(ISearchSpace space, Genotype parent, DeterministicRandom random,
        PositionWeighting weighting, Screening screening, ProxyModel? proxy, Func<Genotype, double>? scorer)
    {
        var best = Mutator.Mutate(space, parent, random, weighting);
        if (!screening.IsOn || proxy is null) return new ChildProposal(best.Child, best.Mutation, null);
        var scores = new List<double>(screening.Mutants) { proxy.Score(space, best.Child, scorer) };
        var chosen = 0;
        for (var i = 1; i < screening.Mutants; i++)
        {
            var mutant = Mutator.Mutate(space, parent, random, weighting);
            scores.Add(proxy.Score(space, mutant.Child, scorer));
            if (scores[i] > scores[chosen]) (best, chosen) = (mutant, i);
        }
        return new ChildProposal(best.Child, best.Mutation, new ScreenedMutants(scores, chosen));
    }
}

/// <summary>A parent's child, and what screening saw when it chose it (null without screening).</summary>
public sealed record ChildProposal(Genotype Child, Mutation Mutation, ScreenedMutants? Screened);
