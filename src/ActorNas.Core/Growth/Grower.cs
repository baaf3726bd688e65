namespace ActorNas.Core.Growth;

/// <summary>
/// Grows a SpiderNet parent into its child: at most one edge split per cell, chosen by the search's
/// <see cref="GrowthSpec"/>, deterministically for <paramref name="seed"/>. ActorNas.Torch supplies it (the metrics build
/// networks); <see cref="Evolution.ChildProposer"/> calls it with the seed drawn for the candidate.
/// </summary>
public delegate Genotype Grower(Genotype parent, long seed);
