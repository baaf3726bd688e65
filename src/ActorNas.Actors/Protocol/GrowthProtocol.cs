using ActorNas.Core;

namespace ActorNas.Actors.Protocol;

// A SpiderNet growth on an evaluator slot: the Mutator asks the slot that waits for the child to grow the parent's
// network (the metrics build and measure networks, so they run where the rounds train, on the slot's device); the
// slot grows it between its evaluations and answers with the grown genotype.

/// <summary>Grow <paramref name="Parent"/> (the parent's pruned network) from <paramref name="Seed"/>, candidate
/// <paramref name="CandidateId"/>'s growth seed.</summary>
public sealed record GrowNetwork(long CandidateId, Genotype Parent, long Seed) : IActorNasMessage;

/// <summary>The grown network: <paramref name="Child"/> is the parent with at most one split per cell.</summary>
public sealed record NetworkGrown(long CandidateId, Genotype Child) : IActorNasMessage;

/// <summary>The slot could not grow the network (no libtorch there, the growth threw, the slot stopped).</summary>
public sealed record GrowingFailed(long CandidateId, string Reason) : IActorNasMessage;
