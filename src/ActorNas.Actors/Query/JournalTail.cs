using System.Runtime.CompilerServices;
using ActorNas.Actors.Persistence;
using ActorNas.Core.Events;

namespace ActorNas.Actors.Query;

/// <summary>
/// Follows a search's journal rows as they are written, reading the table directly (<see cref="JournalRows"/>): bounded
/// batches by sequence number, polled while the log has nothing new. A page watching a search at full speed reads its
/// events at about a quarter of the read journal's CPU cost (docs/benchmarks.md, "Watching a search"). Each batch is
/// read in a query of its own and the connection is closed before its events are handed on, so a slow reader never
/// holds a read transaction open (in SQLite that would stop the write-ahead log from being checkpointed). Events the
/// search's Population wrote in this same process lately (<see cref="RecentEvents"/>) are taken from memory instead.
/// </summary>
internal sealed class JournalTail(JournalRows rows, string searchId, RecentEvents? recent = null)
{
    private static readonly NLog.Logger Log = NLog.LogManager.GetCurrentClassLogger();

    /// <summary>Rows per query: big enough that a catch-up is a few hundred queries, small enough to hold briefly.</summary>
    public const int BatchSize = 1000;

    /// <summary>How long an empty poll waits before the next (the read journal's refresh interval, PersistenceConfig).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long a missing sequence number is waited for. Rows of one search are written in order, but two writes in
    /// flight may commit out of order, so a later row can be seen before an earlier one: the tail waits for it. A row
    /// that never comes (a write that failed while a later one succeeded) is stepped over after this long, with a
    /// warning, as the read journal would have stepped over it at once.
    /// </summary>
    public TimeSpan GapPatience { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The events after <paramref name="afterSequenceNr"/>, in order, each once, then live, until SearchCompleted (the
    /// last one handed out) or cancellation. A row that cannot be read ends it with <paramref name="unreadable"/>'s verdict.
    /// </summary>
    public async IAsyncEnumerable<LoggedEvent> FollowAsync(long afterSequenceNr, Func<JournalRow, string, Task<Exception>> unreadable,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = afterSequenceNr + 1;
        var batch = new List<LoggedEvent>(BatchSize);
        DateTime? gapSince = null;
        while (true)
        {
            batch.Clear();
            JournalRow? bad = null;
            string? reason = null;
            long? gapTo = null;
            // what this process's Population wrote lately is taken as it was written: no query, no deserializing
            var remembered = recent?.CopyFrom(searchId, next, batch, BatchSize) ?? 0;
            if (remembered == 0)
            {
                await foreach (var row in rows.ReadAsync(searchId, next, next + BatchSize - 1, cancellationToken).ConfigureAwait(false))
                {
                    var expected = next + batch.Count;
                    if (row.SequenceNr != expected)
                    {
                        gapTo = row.SequenceNr;
                        break;
                    }
                    if (LogCheck.Deserialize(row, out reason) is not { } e)
                    {
                        bad = row;
                        break;
                    }
                    batch.Add(new LoggedEvent(row.SequenceNr, e));
                }
            }
            foreach (var e in batch)
            {
                yield return e;
                if (e.Event is SearchCompleted) yield break;
            }
            if (bad is not null) throw await unreadable(bad, reason!).ConfigureAwait(false);
            next += batch.Count;
            if (batch.Count > 0) gapSince = null;
            if (gapTo is { } seen && batch.Count == 0)
            {
                gapSince ??= DateTime.UtcNow;
                if (DateTime.UtcNow - gapSince >= GapPatience)
                {
                    Log.Warn("search {0}: events {1} to {2} never reached the log; going on after them", searchId, next, seen - 1);
                    next = seen;
                    gapSince = null;
                    continue;
                }
            }
            // a full batch means more may be waiting; anything less (or a gap) waits for the writer
            if (batch.Count < BatchSize) await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }
}
