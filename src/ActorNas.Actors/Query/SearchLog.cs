using ActorNas.Actors.Persistence;
using ActorNas.Core.Events;
using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorNas.Actors.Query;

/// <summary>Reads searches back from the journal through Akka.Persistence.Query (the read side of the log).</summary>
public sealed class SearchLog
{
    private readonly SqlReadJournal _journal;
    private readonly IMaterializer _materializer;

    public SearchLog(ActorSystem system)
    {
        _journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(PersistenceConfig.QueryPlugin);
        _materializer = system.Materializer();
    }

    /// <summary>The ids of all searches in the database, sorted.</summary>
    public async Task<IReadOnlyList<string>> ListSearchIdsAsync(CancellationToken cancellationToken = default)
    {
        var ids = await _journal.CurrentPersistenceIds()
            .RunAggregate(new List<string>(), (list, id) => { list.Add(id); return list; }, _materializer)
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        return ids.Select(PersistenceConfig.SearchIdOf).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Streams every event of a search, in order, into <paramref name="onEvent"/>; returns how many there were.</summary>
    public async Task<long> ReadAsync(string searchId, Action<ISearchEvent> onEvent, long fromSequenceNr = 0, CancellationToken cancellationToken = default)
    {
        long count = 0;
        await _journal.CurrentEventsByPersistenceId(PersistenceConfig.PersistenceId(searchId), fromSequenceNr, long.MaxValue)
            .RunForeach(envelope =>
            {
                onEvent((ISearchEvent)envelope.Event);
                count++;
            }, _materializer)
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        return count;
    }

    /// <summary>
    /// Streams a search's events, then keeps streaming new ones as they are written (the journal is polled), until
    /// <paramref name="onEvent"/> returns false (say, after SearchCompleted) or the token is cancelled.
    /// </summary>
    public async Task<long> FollowAsync(string searchId, Func<ISearchEvent, bool> onEvent, CancellationToken cancellationToken)
    {
        long count = 0;
        var (kill, done) = _journal.EventsByPersistenceId(PersistenceConfig.PersistenceId(searchId), 0, long.MaxValue)
            .Select(envelope => (ISearchEvent)envelope.Event)
            .TakeWhile(e =>
            {
                count++;
                return onEvent(e);
            }, inclusive: true)
            .ViaMaterialized(KillSwitches.Single<ISearchEvent>(), Keep.Right)
            .ToMaterialized(Sink.Ignore<ISearchEvent>(), Keep.Both)
            .Run(_materializer);
        await using (cancellationToken.Register(() => kill.Shutdown()))
            await done.ConfigureAwait(false);
        return count;
    }

    /// <summary>The SearchStarted event of a search, or null when the search does not exist.</summary>
    public async Task<SearchStarted?> ReadStartAsync(string searchId, CancellationToken cancellationToken = default)
    {
        SearchStarted? started = null;
        await _journal.CurrentEventsByPersistenceId(PersistenceConfig.PersistenceId(searchId), 0, 1)
            .RunForeach(envelope => started = envelope.Event as SearchStarted, _materializer)
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        return started;
    }
}
