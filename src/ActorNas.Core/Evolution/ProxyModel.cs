using ActorNas.Core.Spaces;

namespace ActorNas.Core.Evolution;

/// <summary>
/// A proxy as data, so it can travel to a Mutator in a message: its kind and, for the surrogate, the fitted weights
/// (one per (position, value) feature). Higher scores are more promising.
/// </summary>
public sealed record ProxyModel(ProxyKind Kind, IReadOnlyList<double> Weights)
{
    /// <summary>Whether scoring needs a scorer from outside Core (it builds real networks).</summary>
    public bool NeedsScorer => NeedsScorerFor(Kind);

    /// <summary>Whether <paramref name="kind"/> is scored by building real networks outside Core (naswot, ntk, linear-regions, fade).</summary>
    public static bool NeedsScorerFor(ProxyKind kind) => kind is ProxyKind.Naswot or ProxyKind.Ntk or ProxyKind.LinearRegions or ProxyKind.Fade;

    /// <summary>
    /// The mutant's score, higher more promising. An outside scorer gives the raw metric; this turns it the right way
    /// up: the NTK condition number is better LOWER, so ntk scores -kappa; naswot and linear-regions score as given.
    /// </summary>
    public double Score(ISearchSpace space, Genotype genotype, Func<Genotype, double>? scorer = null) => Kind switch
    {
        ProxyKind.Flops => Nb201Skeleton.Cifar10.Cost(genotype).Flops,
        ProxyKind.Surrogate => SurrogateFit.Predict(space, Weights, genotype),
        ProxyKind.Naswot or ProxyKind.LinearRegions => External(genotype, scorer),
        ProxyKind.Ntk => -External(genotype, scorer),
        ProxyKind.Fade => throw new InvalidOperationException("the fade proxy scores a parent's mutants together (FadeProposal), not one by one"),
        _ => 0,
    };

    private double External(Genotype genotype, Func<Genotype, double>? scorer) => scorer?.Invoke(genotype)
        ?? throw new InvalidOperationException(
            $"the {Name(Kind)} proxy needs a scorer (ActorNas.Torch builds the networks); none was given");

    /// <summary>The proxy's name as the settings spell it (linear-regions, not LinearRegions).</summary>
    public static string Name(ProxyKind kind) => kind == ProxyKind.LinearRegions ? "linear-regions" : kind.ToString().ToLowerInvariant();

    /// <summary>The proxy for the next mutation, from the population as it is now; null when screening is off or there is nothing to fit.</summary>
    public static ProxyModel? For(Screening screening, ISearchSpace space, IReadOnlyList<Member> population) => screening switch
    {
        { IsOn: false } => null,
        { Proxy: ProxyKind.Flops } => new ProxyModel(ProxyKind.Flops, []),
        { Proxy: var kind } when NeedsScorerFor(kind) => new ProxyModel(kind, []),
        _ => SurrogateFit.Fit(space, population) is { } weights ? new ProxyModel(ProxyKind.Surrogate, weights) : null,
    };
}
