using ActorNas.Core.Evaluation;

namespace ActorNas.Core.Evolution;

/// <summary>
/// A worker's result for a pending candidate. Recorded once: a duplicate, or a result after the search completed, is
/// <see cref="Rejected"/>. A NaN or infinite objective is recorded as a failed attempt.
/// </summary>
public sealed record RecordResult(long CandidateId, EvaluationResult Result, DateTimeOffset StartedAt, DateTimeOffset FinishedAt,
    string Worker, string Node) : ISearchCommand;
