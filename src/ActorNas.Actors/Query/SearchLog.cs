using System.Threading.Channels;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using ActorNas.Actors.Configuration;
using ActorNas.Actors.Persistence;
using ActorNas.Core.Events;
using ActorNas.Core.Evolution;
using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorNas.Actors.Query;

/// <summary>
/// Reads searches back from the journal (the read side of the log): in a database mostly from the journal's rows
/// directly (<see cref="JournalRows"/>, <see cref="JournalTail"/>), otherwise through Akka.Persistence.Query. When a read fails,
/// the journal's rows are read underneath (<see cref="LogCheck"/>): an event that cannot be read becomes an
/// <see cref="UnreadableLogException"/> naming it, the same verdict from every reader.
/// </summary>
public sealed class SearchLog
{
    private static readonly NLog.Logger Log = NLog.LogManager.GetCurrentClassLogger();
    private readonly SqlReadJournal? _journal;
    private readonly IMaterializer? _materializer;
    private readonly PersistenceSettings? _store;
    private readonly ActorSystem? _system;
    private readonly RecentEvents? _recent;

    public SearchLog(ActorSystem system)
    {
        _system = system;
        _recent = Runtime.ActorNasRuntime.Get(system).Recent;
        _journal = OpenReadJournal(system);
        _materializer = system.Materializer();
        _store = PersistenceConfig.SettingsOf(system.Settings.Config);
    }

    private SearchLog()
    {
    }

    /// <summary>How long the write journal may take to open its database before the log gives up.</summary>
    private static readonly TimeSpan JournalStartLimit = TimeSpan.FromSeconds(60);

    // The read journal's constructor waits at most 5 s for the write journal to open its database, then throws a bare
    // "Timeout after 5.00 seconds"; a loaded machine or a slow database server takes longer. A failed construction is
    // not kept, so it is tried again (the write journal goes on opening meanwhile) up to a longer limit, and what was
    // waited for is then said.
    private static SqlReadJournal OpenReadJournal(ActorSystem system)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(PersistenceConfig.QueryPlugin);
            }
            catch (Exception e) when (IsAskTimeout(e) && clock.Elapsed < JournalStartLimit)
            {
                Log.Warn("the event journal is still opening its database after {0:F0} s; waiting", clock.Elapsed.TotalSeconds);
            }
            catch (Exception e) when (IsAskTimeout(e))
            {
                throw new TimeoutException($"the event journal did not open its database within {JournalStartLimit.TotalSeconds:F0} s; " +
                    "check that the database is reachable and the machine is not overloaded, then run the command again", e);
            }
        }
    }

    private static bool IsAskTimeout(Exception e) => e switch
    {
        AskTimeoutException => true,
        AggregateException a => a.InnerExceptions.Any(IsAskTimeout),
        System.Reflection.TargetInvocationException { InnerException: { } inner } => IsAskTimeout(inner),
        _ => e.InnerException is { } inner && IsAskTimeout(inner),
    };

    /// <summary>The log of a database that holds no journal at all (another program's, or a new empty file): no searches.</summary>
    public static SearchLog Empty { get; } = new();

    /// <summary>The ids of all searches in the database, sorted.</summary>
    public async Task<IReadOnlyList<string>> ListSearchIdsAsync(CancellationToken cancellationToken = default)
    {
        if (_journal is null) return [];
        // in a database, one index seek per search (the read journal's query reads every row of the journal)
        var ids = _store is not null
            ? await new JournalRows(_store).PersistenceIdsAsync(cancellationToken).ConfigureAwait(false)
            : await _journal.CurrentPersistenceIds()
                .RunAggregate(new List<string>(), (list, id) => { list.Add(id); return list; }, _materializer)
                .WaitAsync(cancellationToken).ConfigureAwait(false);
        return ids.Select(PersistenceConfig.SearchIdOf).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Streams every event of a search from <paramref name="fromSequenceNr"/> on, in order, into <paramref name="onEvent"/>;
    /// returns how many there were (see <see cref="ReadWithSequenceNrsAsync"/>).
    /// </summary>
    public Task<long> ReadAsync(string searchId, Action<ISearchEvent> onEvent, long fromSequenceNr = 0, CancellationToken cancellationToken = default) =>
        ReadWithSequenceNrsAsync(searchId, (_, e) => onEvent(e), fromSequenceNr, cancellationToken);

    /// <summary>
    /// Streams the events of a search from <paramref name="fromSequenceNr"/> on, in order and with their sequence
    /// numbers, into <paramref name="onEvent"/>; returns how many there were. In a database the journal's rows are read
    /// directly (queries of 10,000 rows, each row deserialized by ActorNas's serializer, as the read journal would): about
    /// four times the read journal's speed (docs/benchmarks.md), and no read transaction stays open while
    /// <paramref name="onEvent"/> works. An unreadable row, or an event <paramref name="onEvent"/> rejects, gives the same
    /// verdict as <see cref="ReadAsync"/>.
    /// </summary>
    public async Task<long> ReadWithSequenceNrsAsync(string searchId, Action<long, ISearchEvent> onEvent, long fromSequenceNr = 0,
        CancellationToken cancellationToken = default)
    {
        if (_journal is null) return 0;
        long count = 0;
        if (_store is null)
        {
            await Diagnosed(searchId, () => _journal.CurrentEventsByPersistenceId(PersistenceConfig.PersistenceId(searchId), fromSequenceNr, long.MaxValue)
                .RunForeach(envelope =>
                {
                    onEvent(envelope.SequenceNr, (ISearchEvent)envelope.Event);
                    count++;
                }, _materializer)
                .WaitAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
            return count;
        }
        var rows = new JournalRows(_store);
        await Diagnosed(searchId, async () =>
        {
            // in batches: an export or analysis of a running search must not hold a read transaction all the while
            await foreach (var row in rows.ReadInBatchesAsync(searchId, fromSequenceNr, long.MaxValue, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                // Diagnosed turns this into the verdict naming the row (or an earlier one the fold rejects)
                var e = LogCheck.Deserialize(row, out var reason) ?? throw new InvalidDataException($"event {row.SequenceNr}: {reason}");
                onEvent(row.SequenceNr, e);
                count++;
            }
        }, cancellationToken).ConfigureAwait(false);
        return count;
    }

    /// <summary>
    /// Where a search stands now: its newest snapshot plus the events after it, so that the cost does not grow with the
    /// log (`actornas status` at a million evaluations). Without a snapshot, or with one written by an older version that
    /// lacks a figure of the status (<see cref="SearchSnapshot.HoldsStatusFigures"/>), the whole log is folded instead.
    /// Events before the snapshot are not read, so damage among them is not seen here: resume, export and analyze read
    /// every event and give the verdict. Null when the search does not exist.
    /// </summary>
    public async Task<CurrentState?> ReadCurrentAsync(string searchId, CancellationToken cancellationToken = default)
    {
        if (_journal is null) return null;
        var stored = await LatestSnapshot.LoadAsync(_system!, _store, searchId, cancellationToken).ConfigureAwait(false);
        if (stored is { Snapshot.HoldsStatusFigures: false })
        {
            Log.Info("the snapshot of search {0} was written by an older version; reading its whole log", searchId);
            stored = null;
        }
        var state = stored is null ? new SearchState() : SearchState.FromSnapshot(stored.Snapshot);
        var from = stored?.SequenceNr ?? 0;
        var read = await ReadAsync(searchId, state.Apply, from + 1, cancellationToken).ConfigureAwait(false);
        return from == 0 && read == 0 ? null : new CurrentState(state, from, read);
    }

    /// <summary>
    /// Streams a search's events, then keeps streaming new ones as they are written (<see cref="SubscribeAsync"/>), until
    /// <paramref name="onEvent"/> returns false, the search completes, or the token is cancelled (then it returns the
    /// count so far).
    /// </summary>
    public async Task<long> FollowAsync(string searchId, Func<ISearchEvent, bool> onEvent, CancellationToken cancellationToken)
    {
        if (_journal is null)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            return 0;
        }
        long count = 0;
        try
        {
            await foreach (var e in SubscribeAsync(searchId, 0, cancellationToken).ConfigureAwait(false))
            {
                count++;
                if (!onEvent(e.Event)) break;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // stopped from outside: what was read so far stands
        }
        return count;
    }

    /// <summary>The SearchStarted event of a search, or null when the search does not exist.</summary>
    public async Task<SearchStarted?> ReadStartAsync(string searchId, CancellationToken cancellationToken = default)
    {
        if (_journal is null) return null;
        if (_store is null)
        {
            SearchStarted? started = null;
            await Diagnosed(searchId, () => _journal.CurrentEventsByPersistenceId(PersistenceConfig.PersistenceId(searchId), 0, 1)
                .RunForeach(envelope => started = envelope.Event as SearchStarted, _materializer)
                .WaitAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
            return started;
        }
        // in a database, one row read directly (a page that opens asks for it; the read journal's stream costs far more)
        SearchStarted? first = null;
        await Diagnosed(searchId, async () =>
        {
            await foreach (var row in new JournalRows(_store).ReadAsync(searchId, 1, 1, cancellationToken).ConfigureAwait(false))
                first = (LogCheck.Deserialize(row, out var reason) ?? throw new InvalidDataException($"event {row.SequenceNr}: {reason}")) as SearchStarted;
        }, cancellationToken).ConfigureAwait(false);
        return first;
    }

    /// <summary>
    /// Throws the verdict of <see cref="LogCheck"/> when the search's log holds an unreadable event (reading every row
    /// up to <paramref name="toSequenceNr"/>); returns quietly when all of them read.
    /// </summary>
    public async Task VerifyAsync(string searchId, long toSequenceNr = long.MaxValue, CancellationToken cancellationToken = default)
    {
        if (_store is null) return;
        if (await LogCheck.FirstUnreadableAsync(new JournalRows(_store), searchId, toSequenceNr, cancellationToken).ConfigureAwait(false) is { } found)
            throw UnreadableLogException.For(found, _store);
    }

    /// <summary>Runs a read; when it fails, looks for an unreadable event and throws that verdict instead of the reader's error.</summary>
    private async Task Diagnosed(string searchId, Func<Task> read, CancellationToken cancellationToken)
    {
        try
        {
            await read().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException && _store is not null)
        {
            UnreadableEvent? found;
            try
            {
                found = await LogCheck.FirstUnreadableAsync(new JournalRows(_store), searchId, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                found = null;   // the rows cannot be read either (the database is gone): the reader's own error says more
            }
            if (found is not null) throw UnreadableLogException.For(found, _store);
            ExceptionDispatchInfo.Capture(e).Throw();
        }
    }

    /// <summary>
    /// The persisted events of <paramref name="searchId"/> in order, starting after <paramref name="afterSequenceNr"/>
    /// (0: from the start), then live as they are written, each exactly once, until the search completes or the token is
    /// cancelled. A slow reader slows the stream; nothing is dropped. In a database the journal's rows are followed
    /// directly (<see cref="JournalTail"/>); an in-memory journal is followed through the read journal.
    /// </summary>
    public IAsyncEnumerable<LoggedEvent> SubscribeAsync(string searchId, long afterSequenceNr = 0, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterSequenceNr);
        if (_journal is null) return NoEvents();   // a database without a journal holds no search
        if (_store is null) return SubscribeThroughReadJournalAsync(searchId, afterSequenceNr, cancellationToken);
        var rows = new JournalRows(_store);
        return new JournalTail(rows, searchId, _recent).FollowAsync(afterSequenceNr, async (row, reason) =>
            await LogCheck.FirstUnreadableAsync(rows, searchId, row.SequenceNr, cancellationToken).ConfigureAwait(false) is { } found
                ? UnreadableLogException.For(found, _store)
                : new InvalidDataException($"search {searchId}, event {row.SequenceNr}: {reason}"), cancellationToken);
    }

#pragma warning disable CS1998 // an iterator that ends at once
    private static async IAsyncEnumerable<LoggedEvent> NoEvents()
    {
        yield break;
    }
#pragma warning restore CS1998

    private async IAsyncEnumerable<LoggedEvent> SubscribeThroughReadJournalAsync(string searchId, long afterSequenceNr,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<LoggedEvent>(new BoundedChannelOptions(1024) { SingleReader = true, SingleWriter = true });
        var (kill, done) = _journal!.EventsByPersistenceId(PersistenceConfig.PersistenceId(searchId), afterSequenceNr + 1, long.MaxValue)
            .Select(e => new LoggedEvent(e.SequenceNr, (ISearchEvent)e.Event))
            .TakeWhile(e => e.Event is not SearchCompleted, inclusive: true)
            .ViaMaterialized(KillSwitches.Single<LoggedEvent>(), Keep.Right)
            // back-pressure: the stream waits while the reader is slow
            .SelectAsync(1, async e =>
            {
                await channel.Writer.WriteAsync(e).ConfigureAwait(false);
                return e;
            })
            .ToMaterialized(Sink.Ignore<LoggedEvent>(), Keep.Both)
            .Run(_materializer!);
        _ = done.ContinueWith(t => channel.Writer.TryComplete(t.Exception), TaskScheduler.Default);
        try
        {
            await foreach (var e in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false)) yield return e;
        }
        finally
        {
            kill.Shutdown();
        }
    }
}
