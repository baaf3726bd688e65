namespace ActorNas.Core.Growth;

/// <summary>
/// Grows a SpiderNet parent into its child: at most one edge split per cell, chosen by the search's
/// <see cref="GrowthSpec"/>, deterministically for <paramref name="seed"/>, on the device of evaluator slot
/// <paramref name="slot"/> of the node it runs on (slot k on the node's k-th GPU, as its evaluations; 0 off a slot).
/// ActorNas.Torch supplies it (the metrics build networks); an evaluator slot runs it for the Mutator that asks
/// (<c>GrowNetwork</c>), and <see cref="Evolution.ChildProposer"/> calls it with the seed drawn for the candidate.
/// </summary>
public delegate Genotype Grower(Genotype parent, long seed, int slot);
