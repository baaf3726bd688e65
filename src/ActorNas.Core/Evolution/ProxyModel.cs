using ActorNas.Core.Spaces;

namespace ActorNas.Core.Evolution;

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
