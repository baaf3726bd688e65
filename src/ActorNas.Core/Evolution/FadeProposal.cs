using ActorNas.Core.Spaces.Hierarchical;

namespace ActorNas.Core.Evolution;

/// <summary>
/// One FaDE step on a parent (the centre): draw distinct neighbours of it (each moves one stage to a neighbouring cell
/// graph), take the smallest region that holds the centre and them, train the region's supernet, score each neighbour by
/// the mean of its graphs' weights, and propose the best-scored one (ties to the earlier draw). The centre is in the
/// region, so the log holds its rank too; it is not proposed again, so the centre always moves.
/// </summary>
public static class FadeProposal
{
    /// <summary>Draws per neighbour wanted before giving up on finding more distinct ones (a small neighbourhood).</summary>
    private const int DrawsPerNeighbour = 32;

    /// <param name="neighbours">B: distinct neighbours wanted; fewer when the centre has fewer.</param>
    public static ChildProposal Propose(HierarchicalSpace space, Genotype centre, DeterministicRandom random, PositionWeighting weighting,
        int neighbours, RegionWeigher weigher)
    {
        ArgumentNullException.ThrowIfNull(weigher);
        var drawn = new List<(Genotype Child, Mutation Mutation)>(neighbours);
        var seen = new HashSet<Genotype> { centre };
        for (var tries = 0; drawn.Count < neighbours && tries < DrawsPerNeighbour * neighbours; tries++)
        {
            var mutant = Mutator.Mutate(space, centre, random, weighting);
            if (seen.Add(mutant.Child)) drawn.Add(mutant);
        }
        var region = Region.Of(space, [centre, .. drawn.Select(d => d.Child)]);
        // the training's seed continues the proposal's stream, so a redraw after a crash trains the same supernet
        var weights = weigher(region, (long)(random.NextUInt64() >> 1));
        var scores = drawn.Select(d => FadeRanks.Score(region, weights, d.Child)).ToList();
        var chosen = 0;
        for (var i = 1; i < scores.Count; i++)
            if (scores[i] > scores[chosen]) chosen = i;
        var candidates = Enumerable.Range(0, region.Stages).Select(s => (IReadOnlyList<int>)[.. region.CandidatesAt(s)]).ToList();
        return new ChildProposal(drawn[chosen].Child, drawn[chosen].Mutation,
            new ScreenedMutants(scores, chosen, [.. drawn.Select(d => d.Child)], candidates, [.. weights.Select(w => (IReadOnlyList<double>)[.. w])]));
    }
}
