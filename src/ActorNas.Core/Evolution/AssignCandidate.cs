using ActorNas.Core.Evaluation;
using ActorNas.Core.Events;

namespace ActorNas.Core.Evolution;

/// <summary>Hand <paramref name="Candidate"/> to the worker once <paramref name="Events"/> are applied and persisted.</summary>
public sealed record AssignCandidate(Candidate Candidate, IReadOnlyList<ISearchEvent> Events) : Decision(Events);
