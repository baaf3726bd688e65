using ActorNas.Core.Events;
using Akka.Actor;

namespace ActorNas.Actors.Persistence;

/// <summary>Writes a whole search log through a <see cref="LogWriter"/> (used by `actornas simulate`).</summary>
public static class SearchLogWriter
{
    /// <summary>Writes <paramref name="events"/> in chunks and waits for each chunk to be durable.</summary>
    public static async Task WriteAsync(ActorSystem system, string searchId, IReadOnlyList<ISearchEvent> events,
        Action<int>? progress = null, int chunk = 2000)
    {
        var writer = system.ActorOf(Props.Create(() => new LogWriter(searchId)), $"log-writer-{searchId}");
        try
        {
            for (var offset = 0; offset < events.Count; offset += chunk)
            {
                var part = events.Skip(offset).Take(chunk).ToList();
                await writer.Ask<LogWriter.EventsWritten>(new LogWriter.WriteEvents(part), TimeSpan.FromMinutes(2)).ConfigureAwait(false);
                progress?.Invoke(offset + part.Count);
            }
        }
        finally
        {
            system.Stop(writer);
        }
    }
}
