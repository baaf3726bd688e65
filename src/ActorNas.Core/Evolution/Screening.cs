using ActorNas.Core.Spaces;

namespace ActorNas.Core.Evolution;

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
            throw new ArgumentException($"screening {Mutants} mutants needs a proxy to rank them: set screening.proxy to flops, surrogate, naswot, ntk or linear-regions");
        if (Proxy == ProxyKind.Flops && space.Name != Nb201Space.SpaceName)
            throw new ArgumentException($"the flops proxy is defined for the nb201 space only, not {space.Name}; use surrogate");
    }
}
