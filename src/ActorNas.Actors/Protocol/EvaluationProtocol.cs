using ActorNas.Core.Evaluation;

namespace ActorNas.Actors.Protocol;

// The work protocol between evaluator slots and the Population. Work is pulled: a slot asks when it is free;
// a report of a result or a failure is also the slot's next request.

/// <summary>A free slot asks for a candidate. The Population answers with <see cref="WorkAssigned"/> when it has one.</summary>
public sealed record RequestWork(string Worker, string Node) : IActorNasMessage;

/// <summary>A candidate to evaluate.</summary>
/// <param name="AutoTimeout">The limit of `timeout = auto` at this point of the search (null while too few results are
/// known); a slot with a fixed timeout or none ignores it.</param>
public sealed record WorkAssigned(Candidate Candidate, TimeSpan? AutoTimeout = null) : IActorNasMessage;

/// <summary>A finished evaluation; also asks for the next candidate.</summary>
public sealed record WorkDone(
    string Worker, string Node, long CandidateId, EvaluationResult Result, DateTimeOffset StartedAt, DateTimeOffset FinishedAt)
    : IActorNasMessage;

/// <summary>A failed attempt (exception, timeout); also asks for the next candidate.</summary>
/// <param name="Permanent">The evaluator said another attempt would fail the same way: the failure is final at once.</param>
public sealed record WorkFailed(string Worker, string Node, long CandidateId, string Reason, DateTimeOffset At, bool Permanent = false) : IActorNasMessage;

/// <summary>The search has ended: the slot stops asking.</summary>
public sealed record SearchIsOver(string Reason) : IActorNasMessage;
