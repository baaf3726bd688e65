namespace ActorNas.Core.Spaces.Hierarchical;

/// <summary>
/// Trains a supernet over <paramref name="region"/> from scratch, deterministically for <paramref name="seed"/>, and
/// returns softmax(α_s) per stage: one weight per candidate graph, in the region's order (the FaDE weights). The host
/// supplies it (ActorNas.Torch); Core only ranks with what it returns.
/// </summary>
public delegate IReadOnlyList<IReadOnlyList<double>> RegionWeigher(Region region, long seed);
