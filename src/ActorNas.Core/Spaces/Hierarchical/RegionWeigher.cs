namespace ActorNas.Core.Spaces.Hierarchical;

/// <summary>
/// Trains a supernet over <paramref name="region"/> from scratch, deterministically for <paramref name="seed"/>, and
/// returns softmax(α_s) per stage: one weight per candidate graph, in the region's order (the FaDE weights). The host
/// supplies it (ActorNas.Torch); Core only ranks with what it returns. <paramref name="slot"/> is the evaluator slot that
/// trains it (its device: slot k of a node trains on that node's k-th GPU, as its evaluations do).
/// </summary>
public delegate IReadOnlyList<IReadOnlyList<double>> RegionWeigher(Region region, long seed, int slot);
