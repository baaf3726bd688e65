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

    public async Task<SearchStatus> GetStatusAsync(TimeSpan timeout)
    {
        var (_, session) = await _running.Task.WaitAsync(timeout).ConfigureAwait(false);
        return await session.GetStatusAsync(timeout).ConfigureAwait(false);
    }

    /// <summary>
    /// Pauses the search: no new candidate is handed out; evaluations already running finish and are recorded. The pause
    /// is in the log, so a restarted host comes back paused until <see cref="ResumeAsync"/>.
    /// </summary>
    public async Task<SearchStatus> PauseAsync(string reason, TimeSpan timeout)
    {
        var (_, session) = await _running.Task.WaitAsync(timeout).ConfigureAwait(false);
        return await session.PauseAsync(reason, timeout).ConfigureAwait(false);
    }

    /// <summary>Resumes a paused search.</summary>
    public async Task<SearchStatus> ResumeAsync(TimeSpan timeout)
    {
        var (_, session) = await _running.Task.WaitAsync(timeout).ConfigureAwait(false);
        return await session.ResumeAsync(timeout).ConfigureAwait(false);
    }

    /// <summary>
    /// Ends the search before its budget: it completes with reason "stopped: <paramref name="reason"/>" and cannot be
    /// resumed; results still running are not recorded. <see cref="WaitForCompletionAsync"/> then completes.
    /// </summary>
    public async Task<SearchStatus> StopAsync(string reason, TimeSpan timeout)
    {
        var (_, session) = await _running.Task.WaitAsync(timeout).ConfigureAwait(false);
        return await session.StopAsync(reason, timeout).ConfigureAwait(false);
    }

    /// <summary>
    /// The search's persisted events in order, starting after <paramref name="afterSequenceNr"/> (0: from the start),
    /// then live as they are written, each exactly once, until the search completes or the token is cancelled.
    /// </summary>
    public async IAsyncEnumerable<LoggedEvent> SubscribeAsync(long afterSequenceNr = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (system, _) = await _running.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var e in EventSubscription.ReadAsync(system, SearchId, afterSequenceNr, cancellationToken).ConfigureAwait(false))
            yield return e;
    }

    internal void Started(ActorSystem system, SearchSession session) => _running.TrySetResult((system, session));

    internal void Failed(Exception e) => _running.TrySetException(e);
}
