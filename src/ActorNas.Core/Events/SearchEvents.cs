using ActorNas.Core.Evolution;

namespace ActorNas.Core.Events;

/// <summary>
/// Marker of everything the Population persists. The log of these events is the search:
/// <see cref="SearchState.Apply"/> folds it back into the state; analysis reads it.
/// Each type has a fixed, versioned manifest in <see cref="EventSerializer"/>.
/// </summary>
public interface ISearchEvent;

public sealed record SearchStarted(SearchSettings Config, DateTimeOffset At) : ISearchEvent;

/// <summary>A new candidate. Random during warm-up (no parent); otherwise the tournament's winner mutated once.</summary>
/// <param name="Tournament">Ids of the members drawn for the tournament, in draw order (null for a random candidate).</param>
/// <param name="Batch">Batch number in batch mode, 0 in continuous mode.</param>
/// <param name="Screened">With hybrid evolution: every mutant's proxy score and which one was proposed.</param>
public sealed record CandidateProposed(
    long Id, long? ParentId, Genotype Genotype, Mutation? Mutation, IReadOnlyList<long>? Tournament, int Batch, DateTimeOffset At,
    ScreenedMutants? Screened = null)
    : ISearchEvent;

/// <summary>A worker took the candidate. A second start of the same id is a re-issue.</summary>
public sealed record CandidateStarted(long Id, string Worker, string Node, int Attempt, DateTimeOffset At) : ISearchEvent;

/// <param name="Revised">The genotype the evaluation left when it changed the architecture (a SpiderNet round's pruning);
/// the member joins the population with it. Null (every other evaluator, and every log written before it existed): the
/// proposed genotype.</param>
public sealed record CandidateEvaluated(
    long Id,
    double Objective,
    IReadOnlyDictionary<string, double>? Metrics,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    string Worker,
    string Node,
    int TransferredLayers = 0,
    bool? CacheHit = null,
    Genotype? Revised = null) : ISearchEvent;

/// <summary>An attempt failed (exception, NaN objective, timeout). Final when no attempts are left.</summary>
public sealed record CandidateFailed(long Id, string Reason, int Attempt, bool Final, string Worker, DateTimeOffset At) : ISearchEvent;

/// <summary>A running candidate went back to the queue (its worker died, or the search recovered after a crash).</summary>
public sealed record CandidateReleased(long Id, string Reason, DateTimeOffset At) : ISearchEvent;

/// <summary>
/// A pending candidate will not be evaluated: the budget was reached while it was still queued at a slot (lookahead),
/// running beyond the budget, or waiting to be handed out again. Its result, should one arrive, is not recorded.
/// </summary>
public sealed record CandidateCancelled(long Id, string Reason, DateTimeOffset At) : ISearchEvent;

/// <summary>The oldest member left the population (aging).</summary>
public sealed record CandidateRetired(long Id, DateTimeOffset At) : ISearchEvent;

/// <summary>
/// The search was paused (by its owner, through the protocol): no candidate is handed out until
/// <see cref="SearchResumed"/>; evaluations already running finish and are recorded. A pause survives a restart.
/// </summary>
public sealed record SearchPaused(string Reason, DateTimeOffset At) : ISearchEvent;

/// <summary>A paused search hands out work again.</summary>
public sealed record SearchResumed(DateTimeOffset At) : ISearchEvent;

/// <summary>Reason "budget" (evaluated == budget), "failure-limit", or "stopped: ..." (ended early by its owner).</summary>
public sealed record SearchCompleted(string Reason, DateTimeOffset At) : ISearchEvent;
