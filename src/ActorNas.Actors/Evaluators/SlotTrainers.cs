using ActorNas.Core.Growth;
using ActorNas.Core.Spaces.Hierarchical;

namespace ActorNas.Actors.Evaluators;

/// <summary>
/// What an evaluator slot does for the Mutators besides evaluating, on its own device: train a FaDE step's region
/// supernet (<paramref name="Regions"/>) and grow a SpiderNet network (<paramref name="Growth"/>). Each is null where
/// the search needs none (or the node has no libtorch); a request is then answered as failed, with the reason.
/// </summary>
public sealed record SlotTrainers(RegionWeigher? Regions = null, Grower? Growth = null)
{
    public static readonly SlotTrainers None = new();
}
