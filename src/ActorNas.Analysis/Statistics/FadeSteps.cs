using ActorNas.Core.Events;
using ActorNas.Core.Spaces;
using ActorNas.Core.Spaces.Hierarchical;

namespace ActorNas.Analysis;

/// <summary>
/// One step of a FaDE search (a proposal ranked by a region supernet): the region's size per stage, how many neighbours
/// were ranked, the FaDE score of the centre and of the neighbour proposed, and the centre's rank among the centre and
/// its neighbours (1 = the centre scored best, yet the step moved on).
/// </summary>
public sealed record FadeStep(int Step, long Id, long ParentId, double At, IReadOnlyList<int> RegionSizes, int Neighbours,
    double CentreScore, double ChosenScore, int CentreRank)
{
    /// <summary>Architectures the region covers (the product of its sizes).</summary>
    public double RegionArchitectures => RegionSizes.Aggregate(1.0, (n, k) => n * k);

    /// <summary>The step a proposal records, or null when it was not ranked by a region supernet.</summary>
    /// <param name="space">The search's space: the recorded region is rebuilt in it and ranked as the search ranked it.</param>
    public static FadeStep? Of(int step, CandidateProposed p, double at, ISearchSpace space)
    {
        if (p is not { ParentId: { } parent, Mutation: { } m, Screened: { Region: { } candidates, Weights: { } weights } screened }) return null;
        if (space is not HierarchicalSpace hierarchical)
            throw new InvalidDataException($"candidate {p.Id} records a FaDE region, but the search's space is {space.Name}, not hierarchical");
        // the centre is the proposal with its one mutated stage put back
        var centre = p.Genotype.With(m.Position, m.From);
        var region = new Region(hierarchical, candidates);
        if (region.ChoiceOf(centre) is null)
            throw new InvalidDataException($"the region recorded with candidate {p.Id} does not hold its centre {space.Format(centre)}");
        var centreScore = FadeRanks.Score(region, weights, centre);
        var rank = 1 + screened.Scores.Count(s => s > centreScore);
        return new FadeStep(step, p.Id, parent, at, [.. candidates.Select(r => r.Count)], screened.Scores.Count, centreScore,
            screened.Scores[screened.Chosen], rank);
    }
}
