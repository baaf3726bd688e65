using ActorNas.Core.Evaluation;
using ActorNas.Core.Events;

namespace ActorNas.Core.Evolution;

/// <summary>What <see cref="SearchState.Assign"/> decided for a worker that asked for work.</summary>
public abstract record Assignment;

/// <summary>Hand <paramref name="Candidate"/> to the worker once <paramref name="Events"/> are applied and persisted.</summary>
public sealed record AssignCandidate(Candidate Candidate, IReadOnlyList<ISearchEvent> Events) : Assignment;

/// <summary>
/// A tournament chose a parent; its child needs a mutation (computed by a Mutator, possibly elsewhere).
/// Finish with <see cref="SearchState.CompleteProposal"/>.
/// </summary>
public sealed record MutationNeeded(Reservation Reservation) : Assignment;

/// <summary>Nothing to hand out now (the budget is in flight, or the batch is not finished); ask again later.</summary>
public sealed record NoWorkNow(string Reason) : Assignment;

/// <summary>The search is over.</summary>
public sealed record SearchFinished(string Reason) : Assignment;

/// <summary>
/// A candidate id held for a child whose mutation is being computed. Reservations are the only state not
/// rebuilt from events: a crash forgets them, which is safe because nothing about them was persisted or handed out.
/// <paramref name="Proxy"/> ranks the parent's mutants when screening is on, fitted to the population at the tournament.
/// <paramref name="ParentNode"/> is where the parent was evaluated (its layers are in that node's weight cache).
/// </summary>
public sealed record Reservation(long Id, long ParentId, Genotype Parent, IReadOnlyList<long> Tournament, string Worker, string Node,
    ProxyModel? Proxy = null, string? ParentNode = null);
