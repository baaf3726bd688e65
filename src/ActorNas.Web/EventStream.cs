using System.Text;
using System.Text.Json;
using ActorNas.Actors.Query;
using ActorNas.Core.Events;
using ActorNas.Core.Spaces;
using Microsoft.AspNetCore.Http;

namespace ActorNas.Web;

/// <summary>
/// A search's events as server-sent events: the event id is the sequence number, so a browser that reconnects with
/// Last-Event-ID continues after the last event it got, each event once and in order. Fed by
/// <see cref="SearchLog.SubscribeAsync"/>; ends with an "end" event after SearchCompleted.
/// </summary>
internal static class EventStream
{
    private static readonly byte[] End = "event: end\ndata: {}\n\n"u8.ToArray();

    /// <summary>Where a client continues: Last-Event-ID (a reconnect), else ?after=N, else from the start.</summary>
    public static long AfterOf(HttpRequest request)
    {
        var text = request.Headers["Last-Event-ID"].FirstOrDefault() is { Length: > 0 } header ? header : request.Query["after"].FirstOrDefault();
        return long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var after) ? after : 0;
    }

    public static async Task WriteAsync(HttpResponse response, SearchLog log, string searchId, long after, ISearchSpace space, CancellationToken cancel)
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";   // nginx: pass events on at once (docs/web.md)
        await response.Body.FlushAsync(cancel).ConfigureAwait(false);
        var events = log.SubscribeAsync(searchId, after, cancel).GetAsyncEnumerator(cancel);
        try
        {
            while (true)
            {
                var next = events.MoveNextAsync();
                // flush only when the next event is not ready yet: a burst goes out in one write, a live event at once
                if (!next.IsCompleted) await response.Body.FlushAsync(cancel).ConfigureAwait(false);
                if (!await next.ConfigureAwait(false)) break;
                await response.Body.WriteAsync(Frame(events.Current, space), cancel).ConfigureAwait(false);
            }
            await response.Body.WriteAsync(End, cancel).ConfigureAwait(false);
            await response.Body.FlushAsync(cancel).ConfigureAwait(false);
        }
        finally
        {
            await events.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>"id: N" and one line of JSON: the sequence number, the log's manifest, the event as the log stores it, and
    /// for a proposal its genotype in the space's own notation.</summary>
    public static byte[] Frame(LoggedEvent logged, ISearchSpace space)
    {
        string type;
        byte[] body;
        try
        {
            type = EventSerializer.ManifestOf(logged.Event);
            body = EventSerializer.ToBytes(logged.Event);
        }
        catch (ArgumentException)
        {
            type = logged.Event.GetType().Name;   // an event this page does not know: passed on, the page ignores it
            body = "{}"u8.ToArray();
        }
        var text = new StringBuilder(body.Length + 96);
        text.Append("id: ").Append(logged.SequenceNr.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Append("\ndata: {\"seq\":").Append(logged.SequenceNr.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Append(",\"type\":").Append(JsonSerializer.Serialize(type));
        if (logged.Event is CandidateProposed p) text.Append(",\"genotype\":").Append(JsonSerializer.Serialize(space.Format(p.Genotype)));
        text.Append(",\"event\":").Append(Encoding.UTF8.GetString(body)).Append("}\n\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
