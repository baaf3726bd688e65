using ActorNas.Core;
using ActorNas.Core.Evolution;

namespace ActorNas.Actors.Protocol;

/// <summary>
/// Asks a Mutator for the child of a tournament's parent; the candidate id keys the random draws. With screening on,
/// <paramref name="Proxy"/> (fitted by the Population at the tournament) ranks the mutants.
/// </summary>
public sealed record MutateParent(long CandidateId, Genotype Parent, ProxyModel? Proxy = null) : IActorNasMessage;

public sealed record Mutated(long CandidateId, Genotype Child, Mutation Mutation, ScreenedMutants? Screened = null) : IActorNasMessage;

public sealed record MutationFailed(long CandidateId, string Reason) : IActorNasMessage;
