using ActorNas.Core;
using ActorNas.Core.Evolution;

namespace ActorNas.Actors.Protocol;

/// <summary>
/// Asks a Mutator for the child of a tournament's parent; the candidate id keys the random draws. With screening on,
/// <paramref name="Proxy"/> (fitted by the Population at the tournament) ranks the mutants. With the fade proxy,
/// <paramref name="Trainer"/> is the serialized path of the evaluator slot that waits for this child: it trains the
/// step's region (<see cref="WeighRegion"/>); without one the Mutator trains it itself.
/// </summary>
public sealed record MutateParent(long CandidateId, Genotype Parent, ProxyModel? Proxy = null, string? Trainer = null) : IActorNasMessage;

/// <summary>The child; <paramref name="Mutation"/> is null for a SpiderNet growth (the child's genotype holds its splits).</summary>
public sealed record Mutated(long CandidateId, Genotype Child, Mutation? Mutation, ScreenedMutants? Screened = null) : IActorNasMessage;

public sealed record MutationFailed(long CandidateId, string Reason) : IActorNasMessage;
