using ActorNas.Core.Evaluation;

namespace ActorNas.Actors.Protocol;

// The work protocol between evaluator slots and the Population. Work is pulled: a slot asks when it holds nothing;
// a report of a result or a failure is also the slot's next request. Each message says the slot's capacity (the
// candidate it evaluates plus its lookahead, actornas.evaluator.lookahead); the Population keeps the slot that full,
// so a slot that finishes starts its next candidate at once while its report is recorded.

/// <summary>A slot that holds nothing (it started, or heard nothing for a while) asks for candidates; whatever the
/// Population still counts as held by it goes back to the queue. Answered with <see cref="WorkAssigned"/>, up to
/// <paramref name="Capacity"/> times.</summary>
public sealed record RequestWork(string Worker, string Node, int Capacity = 1) : IActorNasMessage;

/// <summary>A candidate to evaluate.</summary>
/// <param name="AutoTimeout">The limit of `timeout = auto` at this point of the search (null while too few results are
/// known); a slot with a fixed timeout or none ignores it.</param>
public sealed record WorkAssigned(Candidate Candidate, TimeSpan? AutoTimeout = null) : IActorNasMessage;

/// <summary>A finished evaluation; also asks for the next candidate. With a capacity above 1 the slot still holds its
/// lookahead (it has started the next one already), which stays assigned to it.</summary>
public sealed record WorkDone(
    string Worker, string Node, long CandidateId, EvaluationResult Result, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, int Capacity = 1)
    : IActorNasMessage;

/// <summary>A failed attempt (exception, timeout); also asks for the next candidate.</summary>
/// <param name="Permanent">The evaluator said another attempt would fail the same way: the failure is final at once.</param>
public sealed record WorkFailed(string Worker, string Node, long CandidateId, string Reason, DateTimeOffset At, bool Permanent = false,
    int Capacity = 1) : IActorNasMessage;

/// <summary>The search has ended: the slot stops asking.</summary>
public sealed record SearchIsOver(string Reason) : IActorNasMessage;
