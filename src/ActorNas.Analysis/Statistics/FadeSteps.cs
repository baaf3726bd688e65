using ActorNas.Core.Events;

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
    public static FadeStep? Of(int step, CandidateProposed p, double at)
    {
        if (p is not { ParentId: { } parent, Mutation: { } m, Screened: { Region: { } region, Weights: { } weights } screened }) return null;
        // the centre is the proposal with its one mutated stage put back
        var centre = p.Genotype.With(m.Position, m.From);
        var centreScore = Enumerable.Range(0, region.Count).Average(s => weights[s][IndexIn(region[s], centre[s])]);
        var rank = 1 + screened.Scores.Count(s => s > centreScore);
        return new FadeStep(step, p.Id, parent, at, [.. region.Select(r => r.Count)], screened.Scores.Count, centreScore,
            screened.Scores[screened.Chosen], rank);
    }

    private static int IndexIn(IReadOnlyList<int> candidates, int graph)
    {
        for (var i = 0; i < candidates.Count; i++)
            if (candidates[i] == graph) return i;
        throw new InvalidDataException($"the region recorded with a FaDE proposal does not hold its centre's graph {graph}");
    }
}
