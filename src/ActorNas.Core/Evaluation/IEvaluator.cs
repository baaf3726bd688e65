using ActorNas.Core.Spaces;

namespace ActorNas.Core.Evaluation;

/// <summary>What an evaluator is handed: one candidate, on its <paramref name="Attempt"/>-th try (1-based).</summary>
/// <param name="ParentNode">The node that evaluated the parent (it owns the parent's layers in its weight cache); null when
/// unknown (no parent, a log written before nodes were kept, or a parent that retired before its child was proposed).</param>
public sealed record Candidate(long Id, long? ParentId, Genotype Genotype, int Attempt, string? ParentNode = null);

/// <summary>Where and for which search an evaluation runs.</summary>
/// <param name="LayerCache">The node's weight cache (the WeightCache actor when one runs); null: the evaluator keeps layers itself.</param>
public sealed record EvaluationContext(string SearchId, ISearchSpace Space, long Seed, string Worker, string Node, int Slot,
    Caching.ILayerCache? LayerCache = null);

/// <summary>
/// The result of one evaluation. The search maximises <paramref name="Objective"/>; NaN or infinity is
/// recorded as a failure. <paramref name="Metrics"/> are stored with the result for analysis.
/// </summary>
/// <param name="Revised">The genotype the evaluation left, when it changed the architecture (a SpiderNet round prunes
/// ops): recorded with the result, and what the candidate's children grow from. Null: the candidate's own genotype.</param>
public sealed record EvaluationResult(
    double Objective,
    IReadOnlyDictionary<string, double>? Metrics = null,
    int TransferredLayers = 0,
    bool? CacheHit = null,
    Genotype? Revised = null);

/// <summary>
/// The single extension point for evaluation: training, training-free scores, table look-ups, user code.
/// Throwing, returning NaN, or running past the per-candidate timeout records a failed attempt; the search
/// retries the candidate up to its limit and never stops because of it. Honour the cancellation token.
/// </summary>
public interface IEvaluator
{
    Task<EvaluationResult> EvaluateAsync(Candidate candidate, EvaluationContext context, CancellationToken cancellationToken);
}

/// <summary>
/// Thrown by an evaluator when the candidate itself cannot be evaluated and would fail the same way on every attempt
/// (say, a network whose score is undefined): the failure is final at once instead of being retried.
/// </summary>
public class PermanentEvaluationException(string message) : Exception(message);
