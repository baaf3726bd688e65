using ActorNas.Core.Spaces.Hierarchical;

namespace ActorNas.Core.Evolution;

/// <summary>
/// One FaDE step on a parent (the centre): draw distinct neighbours of it (each moves one stage to a neighbouring cell
/// graph), take the smallest region that holds the centre and them, train the region's supernet, score each neighbour by
/// the mean of its graphs' weights, and propose the best-scored one (ties to the earlier draw). The centre is in the
/// region, so the log holds its rank too; it is not proposed again, so the centre always moves.
/// The step is split in two (<see cref="Plan"/>, then <see cref="Choose"/> with the trained weights) so the training in
/// between can run elsewhere: on an evaluator slot, on another node.
/// </summary>
public static class FadeProposal
{
    /// <summary>Draws per neighbour wanted before giving up on finding more distinct ones (a small neighbourhood).</summary>
    private const int DrawsPerNeighbour = 32;

    /// <summary>One step in one call, training the region with <paramref name="weigher"/> here (as slot 0).</summary>
    /// <param name="neighbours">B: distinct neighbours wanted; fewer when the centre has fewer.</param>
    public static ChildProposal Propose(HierarchicalSpace space, Genotype centre, DeterministicRandom random, PositionWeighting weighting,
        int neighbours, RegionWeigher weigher)
    {
        ArgumentNullException.ThrowIfNull(weigher);
        var plan = Plan(space, centre, random, weighting, neighbours);
        return Choose(plan, weigher(plan.Region, plan.TrainingSeed, slot: 0));
    }

    /// <summary>The step's draws: its neighbours, its region and the seed its supernet trains with.</summary>
    public static FadeStepPlan Plan(HierarchicalSpace space, Genotype centre, DeterministicRandom random, PositionWeighting weighting, int neighbours)
    {
        var drawn = new List<(Genotype Child, Mutation Mutation)>(neighbours);
        var seen = new HashSet<Genotype> { centre };
        for (var tries = 0; drawn.Count < neighbours && tries < DrawsPerNeighbour * neighbours; tries++)
        {
            var mutant = Mutator.Mutate(space, centre, random, weighting);
            if (seen.Add(mutant.Child)) drawn.Add(mutant);
        }
        var region = Region.Of(space, [centre, .. drawn.Select(d => d.Child)]);
        // the training's seed continues the proposal's stream, so a redraw after a crash trains the same supernet
        return new FadeStepPlan(drawn, region, (long)(random.NextUInt64() >> 1));
    }

    /// <summary>The step's proposal once its region is trained: the best-scored neighbour, and the whole step as the
    /// screened record.</summary>
    /// <param name="weights">Per stage, softmax(α_s) of the plan's region, in its order.</param>
    public static ChildProposal Choose(FadeStepPlan plan, IReadOnlyList<IReadOnlyList<double>> weights)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(weights);
        var region = plan.Region;
        var scores = plan.Neighbours.Select(d => FadeRanks.Score(region, weights, d.Child)).ToList();
        var chosen = 0;
        for (var i = 1; i < scores.Count; i++)
            if (scores[i] > scores[chosen]) chosen = i;
        var candidates = Enumerable.Range(0, region.Stages).Select(s => (IReadOnlyList<int>)[.. region.CandidatesAt(s)]).ToList();
        var neighbours = plan.Neighbours;
        return new ChildProposal(neighbours[chosen].Child, neighbours[chosen].Mutation,
            new ScreenedMutants(scores, chosen, [.. neighbours.Select(d => d.Child)], candidates, [.. weights.Select(w => (IReadOnlyList<double>)[.. w])]));
    }
}

/// <summary>A FaDE step before its training: the distinct neighbours drawn (in draw order), the region of the centre and
/// them (the centre's graphs first at every stage), and the seed the region's supernet trains with.</summary>
public sealed record FadeStepPlan(IReadOnlyList<(Genotype Child, Mutation Mutation)> Neighbours, Region Region, long TrainingSeed);
