using ActorNas.Core.Spaces;

namespace ActorNas.Core.Evolution;

/// <summary>Draws a parent's child: one mutation, or the proxy's pick among several.</summary>
public static class ChildProposer
{
    /// <summary>
    /// The one way to make a child: the child of <paramref name="parent"/> for candidate <paramref name="candidateId"/>,
    /// drawn from the search's seed and that id, so a Mutator anywhere and the Population itself draw the same one.
    /// <paramref name="scorer"/> serves proxies that build networks (naswot), which throw without one.
    /// </summary>
    public static ChildProposal ChildOf(SearchSettings config, ISearchSpace space, long candidateId, Genotype parent, ProxyModel? proxy,
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
