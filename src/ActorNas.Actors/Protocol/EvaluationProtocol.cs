using System.Text.Json.Serialization;
using ActorNas.Core.Evaluation;

namespace ActorNas.Actors.Protocol;

// The work protocol between evaluator slots and the Population. Work is pulled: a slot asks when it is free;
// a report of a result or a failure is also the slot's next request.

/// <summary>What a slot tells the Population: a request, a result or a failure. The kinds travel as fixed names.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(RequestWork), "request")]
[JsonDerivedType(typeof(WorkDone), "done")]
[JsonDerivedType(typeof(WorkFailed), "failed")]
public abstract record SlotReport(string Worker, string Node);

/// <summary>A free slot asks for a candidate. The Population answers with <see cref="WorkAssigned"/> when it has one.</summary>
public sealed record RequestWork(string Worker, string Node) : SlotReport(Worker, Node), IActorNasMessage;

/// <summary>A candidate to evaluate.</summary>
public sealed record WorkAssigned(Candidate Candidate) : IActorNasMessage;

/// <summary>A finished evaluation; also asks for the next candidate.</summary>
public sealed record WorkDone(
    string Worker, string Node, long CandidateId, EvaluationResult Result, DateTimeOffset StartedAt, DateTimeOffset FinishedAt)
    : SlotReport(Worker, Node), IActorNasMessage;

/// <summary>A failed attempt (exception, timeout); also asks for the next candidate.</summary>
/// <param name="Permanent">The evaluator said another attempt would fail the same way: the failure is final at once.</param>
public sealed record WorkFailed(string Worker, string Node, long CandidateId, string Reason, DateTimeOffset At, bool Permanent = false)
    : SlotReport(Worker, Node), IActorNasMessage;

/// <summary>The search has ended: the slot stops asking.</summary>
public sealed record SearchIsOver(string Reason) : IActorNasMessage;

// Between a worker node's WorkBroker and the Population: the same reports and answers, many slots to a message, so
// that a node with hundreds of slots sends one message where it would send hundreds. Each slot keeps its own identity.

/// <summary>The reports of many slots of one node, in the order the slots sent them.</summary>
public sealed record WorkReports(IReadOnlyList<SlotReport> Reports) : IActorNasMessage;

/// <summary>The Population's answer to one slot: a candidate, or (when <see cref="Candidate"/> is null) the search is over.</summary>
public sealed record SlotAnswer(string Worker, Candidate? Candidate, string? SearchOver = null);

/// <summary>Answers to many slots of one node.</summary>
public sealed record WorkAnswers(IReadOnlyList<SlotAnswer> Answers) : IActorNasMessage;
