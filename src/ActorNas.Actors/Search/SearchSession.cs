using ActorNas.Actors.Caching;
using ActorNas.Actors.Protocol;
using Akka.Actor;

namespace ActorNas.Actors.Search;

/// <summary>How a session ended.</summary>
/// <param name="LogUnreadable">The Population could not recover: its log holds an event it cannot read.</param>
/// <param name="LogFault">The log could not be written or reached: what failed and what the log holds.</param>
public sealed record SearchOutcome(bool Completed, SearchStatus? Status, string? Error, bool LogUnreadable = false, LogUnavailable? LogFault = null)
{
    public static SearchOutcome CannotRun(SearchCannotRun e) => new(false, null, e.Reason, e.LogUnreadable, e.LogFault);
}

/// <summary>
/// One search running inside an ActorSystem (its own or the caller's): start it, ask its status, await its end.
/// Disposing stops the search's actors; the log keeps everything persisted, and a resume continues from there.
/// </summary>
public sealed class SearchSession : IAsyncDisposable
{
    private readonly ActorSystem _system;
    private readonly IActorRef _guardian;
    private readonly IActorRef _listener;
    private readonly TaskCompletionSource<SearchOutcome> _outcome;
    private IDisposable? _owned;

    private SearchSession(ActorSystem system, IActorRef guardian, IActorRef listener, TaskCompletionSource<SearchOutcome> outcome)
    {
        _system = system;
        _guardian = guardian;
        _listener = listener;
        _outcome = outcome;
    }

    public string SearchId { get; private init; } = "";

    /// <summary>The search's guardian: it answers <see cref="GetSearchStatus"/>, <see cref="PauseSearch"/>,
    /// <see cref="ResumeSearch"/> and <see cref="StopSearch"/> (what a registry of actors hands out).</summary>
    public IActorRef Guardian => _guardian;

    /// <summary>Completes when the search ends (budget or failure limit) or cannot run.</summary>
    public Task<SearchOutcome> Completion => _outcome.Task;

    public static SearchSession Start(ActorSystem system, SearchSessionOptions options)
    {
        // Akka starts its timer thread on first use, blocking the caller; 64 evaluator slots doing that at once in
        // PreStart starved the thread pool for ~13 s. Start it here, once, before any slot exists.
        system.Scheduler.Advanced.ScheduleOnce(TimeSpan.Zero, () => { });
        options = options with { WeightCache = options.WeightCache ?? WeightCacheNode.EnsureStarted(system, options.Settings.WeightCache, options.Node) };
        var outcome = new TaskCompletionSource<SearchOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var listener = system.ActorOf(OutcomeListener.Props(outcome), $"search-{options.SearchId}-listener");
        var guardian = system.ActorOf(SearchGuardian.Props(options, listener), SearchGuardian.NameOf(options.SearchId));
        return new SearchSession(system, guardian, listener, outcome) { SearchId = options.SearchId };
    }

    /// <summary>Something the session releases once its actors are gone (the plan's lock on the log).</summary>
    internal void Owns(IDisposable owned) => _owned = owned;

    public Task<SearchStatus> GetStatusAsync(TimeSpan timeout) => _guardian.Ask<SearchStatus>(GetSearchStatus.Instance, timeout);

    /// <summary>Pauses the search (see <see cref="PauseSearch"/>); completes once the pause is in the log.</summary>
    public Task<SearchStatus> PauseAsync(string reason, TimeSpan timeout) => _guardian.Ask<SearchStatus>(new PauseSearch(reason), timeout);

    /// <summary>Resumes a paused search; completes once that is in the log.</summary>
    public Task<SearchStatus> ResumeAsync(TimeSpan timeout) => _guardian.Ask<SearchStatus>(ResumeSearch.Instance, timeout);

    /// <summary>Ends the search now (see <see cref="StopSearch"/>); <see cref="Completion"/> then completes.</summary>
    public Task<SearchStatus> StopAsync(string reason, TimeSpan timeout) => _guardian.Ask<SearchStatus>(new StopSearch(reason), timeout);

    /// <summary>Stops the search's actors and waits until they are gone.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _guardian.GracefulStop(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TaskCanceledException or AskTimeoutException)
        {
            // the system is already shutting down
        }
        _system.Stop(_listener);
        _outcome.TrySetResult(new SearchOutcome(false, null, "stopped"));
        _owned?.Dispose();
    }
}
