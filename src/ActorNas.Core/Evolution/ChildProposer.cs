using ActorNas.Core.Growth;
using ActorNas.Core.Spaces;
using ActorNas.Core.Spaces.Hierarchical;
using ActorNas.Core.Spaces.SpiderNet;

namespace ActorNas.Core.Evolution;

/// <summary>Draws a parent's child: one mutation, the proxy's pick among several, or a SpiderNet growth.</summary>
public static class ChildProposer
{
    /// <summary>
    /// The one way to make a child: the child of <paramref name="parent"/> for candidate <paramref name="candidateId"/>,
    /// drawn from the search's seed and that id, so a Mutator anywhere and the Population itself draw the same one.
    /// <paramref name="scorer"/> serves proxies that build networks (naswot), which throw without one;
    /// <paramref name="weigher"/> trains the region supernets of the fade proxy; <paramref name="grower"/> grows a
    /// spidernet parent, which throws without one (<see cref="FallbackChildOf"/> is what the Population draws instead).
    /// </summary>
    public static ChildProposal ChildOf(SearchSettings config, ISearchSpace space, long candidateId, Genotype parent, ProxyModel? proxy,
        Func<Genotype, double>? scorer = null, RegionWeigher? weigher = null, Grower? grower = null)
    {
        if (space is SpiderNetSpace)
        {
            if (grower is null) throw new InvalidOperationException("growing a spidernet network needs a grower (ActorNas.Torch); this node has none");
            return new ChildProposal(grower(parent, GrowthSeed(config, candidateId), slot: 0), null, null);
        }
        if (IsFadeStep(config, proxy))
        {
            var plan = FadeStepOf(config, space, candidateId, parent);
            weigher ??= (_, _, _) => throw new InvalidOperationException("the fade proxy needs a region weigher (ActorNas.Torch trains the supernets); none was given");
            return FadeProposal.Choose(plan, weigher(plan.Region, plan.TrainingSeed, slot: 0));
        }
        var random = DeterministicRandom.For(config.Seed, candidateId, RandomPurpose.Mutation);
        return ProposeScreened(space, parent, random, config.Mutation, config.Screening, proxy, scorer);
    }

    /// <summary>
    /// The child the Population draws itself when no Mutator answered with one: it has no network scorer, region weigher
    /// or grower, so a proxy that needs a scorer gives way to plain mutation, and a spidernet parent is handed back as it
    /// is (the next round trains the network again instead of the search stopping).
    /// </summary>
    public static ChildProposal FallbackChildOf(SearchSettings config, ISearchSpace space, long candidateId, Genotype parent, ProxyModel? proxy) =>
        space is SpiderNetSpace
            ? new ChildProposal(parent, null, null)
            : ChildOf(config, space, candidateId, parent, proxy is { NeedsScorer: true } ? null : proxy);

    /// <summary>The seed of candidate <paramref name="candidateId"/>'s growth: from the search's seed and the id, as every draw.</summary>
    public static long GrowthSeed(SearchSettings config, long candidateId) =>
        (long)(DeterministicRandom.For(config.Seed, candidateId, RandomPurpose.Mutation).NextUInt64() >> 1);

    /// <summary>Whether the child comes from a FaDE step (the fade proxy, screening on): a region to train first.</summary>
    public static bool IsFadeStep(SearchSettings config, ProxyModel? proxy) => proxy is { Kind: ProxyKind.Fade } && config.Screening.IsOn;

    /// <summary>The draws of candidate <paramref name="candidateId"/>'s FaDE step from the same stream as
    /// <see cref="ChildOf"/>, for a caller that trains the region elsewhere and finishes with <see cref="FadeProposal.Choose"/>.</summary>
    public static FadeStepPlan FadeStepOf(SearchSettings config, ISearchSpace space, long candidateId, Genotype parent) =>
        FadeProposal.Plan(space as HierarchicalSpace ?? throw new InvalidOperationException($"the fade proxy needs the hierarchical space, not {space.Name}"),
            parent, DeterministicRandom.For(config.Seed, candidateId, RandomPurpose.Mutation), config.Mutation, config.Screening.Mutants);

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
