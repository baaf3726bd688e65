using ActorNas.Actors.Runtime;
using ActorNas.Actors.Query;
using System.Runtime.CompilerServices;
using ActorNas.Actors.Protocol;
using ActorNas.Actors.Search;
using Akka.Actor;

namespace ActorNas.Hosting;

/// <summary>
/// The handle of the search a host runs: its status, its end, and its events live. Resolve it from the service
/// provider; it works once the host has started.
/// </summary>
public sealed class ActorNasSearch
{
    private readonly TaskCompletionSource<(ActorSystem System, SearchSession Session)> _running =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ActorNasSearch(string searchId) => SearchId = searchId;

    public string SearchId { get; }

    /// <summary>Completes when the search ends (budget, failure limit) or cannot run; "stopped" when the host stops first.</summary>
    public async Task<SearchOutcome> WaitForCompletionAsync(CancellationToken cancellationToken = default)
    {
        var (_, session) = await _running.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await session.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task<SearchStatus> GetStatusAsync(TimeSpan timeout) => AskAsync(session => session.GetStatusAsync(timeout), timeout);

    /// <summary>
    /// Pauses the search: no new candidate is handed out; evaluations already running finish and are recorded. The pause
    /// is in the log, so a restarted host comes back paused until <see cref="ResumeAsync"/>.
    /// </summary>
    public Task<SearchStatus> PauseAsync(string reason, TimeSpan timeout) => AskAsync(session => session.PauseAsync(reason, timeout), timeout);

    /// <summary>Resumes a paused search.</summary>
    public Task<SearchStatus> ResumeAsync(TimeSpan timeout) => AskAsync(session => session.ResumeAsync(timeout), timeout);

    /// <summary>
    /// Ends the search before its budget: it completes with reason "stopped: <paramref name="reason"/>" and cannot be
    /// resumed; results still running are not recorded. <see cref="WaitForCompletionAsync"/> then completes.
    /// </summary>
    public Task<SearchStatus> StopAsync(string reason, TimeSpan timeout) => AskAsync(session => session.StopAsync(reason, timeout), timeout);

    /// <summary>
    /// The search's persisted events in order, starting after <paramref name="afterSequenceNr"/> (0: from the start),
    /// then live as they are written, each exactly once, until the search completes or the token is cancelled.
    /// </summary>
    public async IAsyncEnumerable<LoggedEvent> SubscribeAsync(long afterSequenceNr = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (system, _) = await _running.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var e in ActorNasRuntime.Get(system).Log.SubscribeAsync(SearchId, afterSequenceNr, cancellationToken).ConfigureAwait(false))
            yield return e;
    }

    /// <summary>Asks the running session, waiting at most <paramref name="timeout"/> for the host to have started it.</summary>
    private async Task<SearchStatus> AskAsync(Func<SearchSession, Task<SearchStatus>> ask, TimeSpan timeout)
    {
        var (_, session) = await _running.Task.WaitAsync(timeout).ConfigureAwait(false);
        return await ask(session).ConfigureAwait(false);
    }

    internal void Started(ActorSystem system, SearchSession session) => _running.TrySetResult((system, session));

    internal void Failed(Exception e) => _running.TrySetException(e);
}
