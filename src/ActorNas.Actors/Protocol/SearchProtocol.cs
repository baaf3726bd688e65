using ActorNas.Core.Evolution;

namespace ActorNas.Actors.Protocol;

/// <summary>Asks the Population for a <see cref="SearchStatus"/>.</summary>
public sealed record GetSearchStatus : IActorNasMessage
{
    public static readonly GetSearchStatus Instance = new();
}

/// <summary>
/// Pauses the search: no candidate is handed out until <see cref="ResumeSearch"/>; evaluations already running finish
/// and are recorded. Persisted (a paused search stays paused across a restart). Answered with the
/// <see cref="SearchStatus"/> once the pause is in the log.
/// </summary>
public sealed record PauseSearch(string Reason) : IActorNasMessage;

/// <summary>Resumes a paused search. Answered with the <see cref="SearchStatus"/> once recorded.</summary>
public sealed record ResumeSearch : IActorNasMessage
{
    public static readonly ResumeSearch Instance = new();
}

/// <summary>
/// Ends the search now, before its budget (completion reason "stopped: REASON"); it cannot be resumed afterwards.
/// Answered with the final <see cref="SearchStatus"/> once recorded.
/// </summary>
public sealed record StopSearch(string Reason) : IActorNasMessage;

/// <summary>Where a search stands.</summary>
public sealed record SearchStatus(
    string SearchId,
    int Evaluated,
    int Budget,
    int FinalFailures,
    int FailedAttempts,
    int Running,
    int Queued,
    int PopulationCount,
    Member? Best,
    string? CompletionReason,
    DateTimeOffset StartedAt,
    bool Paused = false,
    IReadOnlyList<RunningCandidate>? LongestRunning = null,
    double? MedianSeconds = null) : IActorNasMessage
{
    /// <summary>How many of the longest-running candidates a status carries.</summary>
    public const int LongestRunningShown = 3;

    public bool IsCompleted => CompletionReason is not null;

    public static SearchStatus Of(string searchId, SearchState state) => new(
        searchId, state.Evaluated, state.Config.Budget, state.FinalFailures, state.FailedAttempts, state.Running,
        state.Pending.Count - state.Running, state.Population.Count, state.Best, state.CompletionReason, state.StartedAt,
        state.IsPaused,
        state.IsCompleted ? [] : state.LongestRunning(LongestRunningShown).Select(p => new RunningCandidate(p.Id, p.Worker!, p.StartedAt)).ToList(),
        state.RecentDurations.Quantile(0.5));
}

/// <summary>A candidate being evaluated, and since when (null in logs of older versions' snapshots).</summary>
public sealed record RunningCandidate(long Id, string Worker, DateTimeOffset? StartedAt);

/// <summary>Sent to the Population's listener when the search completes (after SearchCompleted is persisted).</summary>
public sealed record SearchEnded(SearchStatus Status) : IActorNasMessage;

/// <summary>Sent to the listener when the Population cannot run: no such search to resume, or the log is unreadable.</summary>
/// <param name="LogUnreadable">Its recovery failed: the log holds something it cannot read (the session's owner can
/// name the event with <see cref="Query.SearchLog.VerifyAsync"/>).</param>
/// <param name="LogFault">The log could not be written or reached (a full disk, a read-only file, an outage past its
/// grace): what failed and what the log holds.</param>
public sealed record SearchCannotRun(string SearchId, string Reason, bool LogUnreadable = false, LogUnavailable? LogFault = null) : IActorNasMessage;
