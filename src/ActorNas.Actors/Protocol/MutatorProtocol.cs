using ActorNas.Core;
using ActorNas.Core.Evolution;

namespace ActorNas.Actors.Protocol;

/// <summary>Asks a Mutator for the child of a tournament's parent; the candidate id keys the random draws.</summary>
public sealed record MutateParent(long CandidateId, Genotype Parent) : IActorNasMessage;

public sealed record Mutated(long CandidateId, Genotype Child, Mutation Mutation) : IActorNasMessage;

public sealed record MutationFailed(long CandidateId, string Reason) : IActorNasMessage;
