using ActorNas.Core.Evolution;

namespace ActorNas.Actors.Protocol;

/// <summary>Asks the Population for a <see cref="SearchStatus"/>.</summary>
public sealed record GetSearchStatus : IActorNasMessage
{
    public static readonly GetSearchStatus Instance = new();
}

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
    DateTimeOffset StartedAt) : IActorNasMessage
{
    public bool IsCompleted => CompletionReason is not null;

    public static SearchStatus Of(string searchId, SearchState state) => new(
        searchId, state.Evaluated, state.Config.Budget, state.FinalFailures, state.FailedAttempts, state.Running,
        state.Pending.Count - state.Running, state.Population.Count, state.Best, state.CompletionReason, state.StartedAt);
}

/// <summary>Sent to the Population's listener when the search completes (after SearchCompleted is persisted).</summary>
public sealed record SearchEnded(SearchStatus Status) : IActorNasMessage;

/// <summary>Sent to the listener when the Population cannot run: no such search to resume, or the log is unreadable.</summary>
public sealed record SearchCannotRun(string SearchId, string Reason) : IActorNasMessage;
