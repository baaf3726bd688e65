using ActorNas.Actors.Persistence;
using ActorNas.Actors.Query;
using ActorNas.Actors.Search;
using NLog;

namespace ActorNas.Cli.Running;

/// <summary>
/// What `run` and `resume` do about a log that cannot be read: the same verdict as every reading command
/// (<see cref="UnreadableLogException"/>, exit 3), and never days of work appended after an event nobody can read.
/// </summary>
internal static class LogGuard
{
    private static readonly Logger Log = LogManager.GetCurrentClassLogger();

    /// <summary>
    /// Reads every event already in the log, while the resumed search runs: recovery only replays the events after the
    /// newest snapshot, so an unreadable one before it would go unnoticed until status or export fails. Reading a long
    /// log takes seconds (docs/benchmarks.md), which a resume does not wait for; the runner stops the search as soon
    /// as this finds one. Completes with the verdict, or null when every event reads (or the check itself cannot
    /// read the database: the search's own journal reports that).
    /// </summary>
    public static Task<UnreadableLogException?> CheckInBackground(StoreHost store, string searchId, CancellationToken cancel) =>
        Task.Run(async () =>
        {
            try
            {
                var highest = await new JournalRows(store.Persistence).HighestSequenceNrAsync(searchId, cancel).ConfigureAwait(false);
                await store.Log.VerifyAsync(searchId, highest, cancel).ConfigureAwait(false);
                return null;
            }
            catch (UnreadableLogException verdict)
            {
                return verdict;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.Warn(e, "could not read the log of search {0} back to check it; the search goes on", searchId);
                return null;
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }, CancellationToken.None);

    /// <summary>
    /// The exception for a session that ended because its Population could not recover: the verdict naming the event
    /// when the rows show one, otherwise a store error with the Population's own reason.
    /// </summary>
    public static async Task<Exception> RecoveryFailedAsync(StoreHost store, string searchId, SearchOutcome outcome)
    {
        try
        {
            await store.Log.VerifyAsync(searchId).ConfigureAwait(false);
        }
        catch (UnreadableLogException verdict)
        {
            return verdict;
        }
        catch (Exception e)
        {
            Log.Warn(e, "could not read the log of search {0} back after its recovery failed", searchId);
        }
        return new StoreException($"{outcome.Error}; nothing was appended to the log");
    }
}
