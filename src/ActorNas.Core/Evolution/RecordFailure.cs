namespace ActorNas.Core.Evolution;

/// <summary>
/// A failed attempt, reported by the worker that holds the candidate (a stale report from a worker it was taken from is
/// <see cref="Rejected"/>). Final after <see cref="SearchSettings.MaxAttempts"/> attempts.
/// </summary>
/// <param name="Permanent">The evaluator said another attempt would fail the same way: final at once.</param>
public sealed record RecordFailure(long CandidateId, string Reason, string Worker, DateTimeOffset At, bool Permanent = false) : ISearchCommand;
