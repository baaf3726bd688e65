using ActorNas.Core.Events;

namespace ActorNas.Core.Evolution;

/// <summary>
/// What <see cref="SearchState.Decide"/> answered a command: the events to apply and persist (in this order), and, by
/// its type, what the caller does next: <see cref="AssignCandidate"/>, <see cref="MutationNeeded"/>,
/// <see cref="NoWorkNow"/>, <see cref="SearchFinished"/>, <see cref="Accepted"/> or <see cref="Rejected"/>.
/// </summary>
public abstract record Decision(IReadOnlyList<ISearchEvent> Events);
