using System.Runtime.CompilerServices;
using System.Threading.Channels;
using ActorNas.Actors.Persistence;
using ActorNas.Core.Events;
using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorNas.Hosting;

/// <summary>A search's persisted events, in order from an offset, then live: the one implementation behind both entry points.</summary>
internal static class EventSubscription
{
    public static async IAsyncEnumerable<LoggedEvent> ReadAsync(ActorSystem system, string searchId, long afterSequenceNr,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterSequenceNr);
        var channel = Channel.CreateBounded<LoggedEvent>(new BoundedChannelOptions(1024) { SingleReader = true, SingleWriter = true });
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(PersistenceConfig.QueryPlugin);
        var (kill, done) = journal.EventsByPersistenceId(PersistenceConfig.PersistenceId(searchId), afterSequenceNr + 1, long.MaxValue)
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
            .Run(system.Materializer());
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
