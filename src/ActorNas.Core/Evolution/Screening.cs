using ActorNas.Core.Spaces;
using ActorNas.Core.Spaces.Hierarchical;

namespace ActorNas.Core.Evolution;

/// <summary>
/// Hybrid evolution: draw <paramref name="Mutants"/> mutants of the tournament's parent, rank them with the proxy,
/// evaluate only the best. One mutant (the default) is plain Regularized Evolution.
/// </summary>
/// <param name="Fade">With the fade proxy: how each region supernet trains (null: the defaults).</param>
public sealed record Screening(int Mutants = 1, ProxyKind Proxy = ProxyKind.None, RegionTrainingSettings? Fade = null)
{
    public static Screening Off { get; } = new();

    public bool IsOn => Mutants > 1 && Proxy != ProxyKind.None;

    /// <summary>The region supernet's training under the fade proxy.</summary>
    public RegionTrainingSettings FadeTraining => Fade ?? new RegionTrainingSettings();

    public void Validate(SearchSpaceSpec space)
    {
        if (Mutants < 1) throw new ArgumentException($"screening mutants must be >= 1, got {Mutants}");
        if (Mutants > 1 && Proxy == ProxyKind.None)
            throw new ArgumentException($"screening {Mutants} mutants needs a proxy to rank them: set screening.proxy to flops, surrogate, naswot, ntk, linear-regions or fade");
        if (Proxy == ProxyKind.Flops && space.Name != Nb201Space.SpaceName)
            throw new ArgumentException($"the flops proxy is defined for the nb201 space only, not {space.Name}; use surrogate");
        if (Proxy == ProxyKind.Fade) ValidateFade(space);
    }

    private void ValidateFade(SearchSpaceSpec spec)
    {
        if (spec.Create() is not HierarchicalSpace space)
            throw new ArgumentException($"the fade proxy trains a supernet over a region of the hierarchical space, not {spec.Name}; " +
                "set space.name = hierarchical (--space hierarchical)");
        if (Mutants < 2)
            throw new ArgumentException($"fade ranks the neighbours of the centre against each other and needs at least 2, got {Mutants} " +
                "(search.fade.neighbours, or search.screening.mutants with proxy = fade)");
        var most = space.Length * Enumerable.Range(0, space.Catalogue.Count).Max(g => space.Catalogue.NeighboursOf(g).Count);
        if (Mutants > most)
            throw new ArgumentException($"fade asks for {Mutants} distinct neighbours of the centre, but no architecture of this space has more " +
                $"than {most} ({space.Length} stages x at most {most / space.Length} neighbouring graphs); lower search.fade.neighbours");
        FadeTraining.Validate();
    }
}
