using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using ActorNas.Actors.Query;
using ActorNas.Core.Events;
using ActorNas.Core.Spaces;
using Microsoft.AspNetCore.Http;

namespace ActorNas.Web;

/// <summary>
/// A search's events as server-sent events: the event id is the sequence number, so a browser that reconnects with
/// Last-Event-ID continues after the last event it got, each event once and in order. Fed by
/// <see cref="SearchLog.SubscribeAsync"/>; ends with an "end" event after SearchCompleted. When the server stops, a
/// page still gets what the log holds (`run --web` ends with its search: open pages read to the end) and is let go once
/// nothing has come for <see cref="IdleWhenStopping"/> (a live search served by `serve`: the browser reconnects later).
/// </summary>
internal static class EventStream
{
    private static readonly NLog.Logger Log = NLog.LogManager.GetCurrentClassLogger();
    private static readonly byte[] End = "event: end\ndata: {}\n\n"u8.ToArray();

    /// <summary>
    /// A page gets the shared window's events at most this often: at full speed a search logs thousands of events a
    /// second, and one write and one wake-up per page per event would cost the search more than the pages need.
    /// </summary>
    public static readonly TimeSpan Cadence = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a page waits for its next event once the server stops, before it is let go.</summary>
    public static readonly TimeSpan IdleWhenStopping = TimeSpan.FromSeconds(3);

    /// <summary>Bytes a page's own catch-up writes before it flushes, when its next events are ready at once.</summary>
    private const int FlushEvery = 64 * 1024;

    private enum Outcome { SearchEnded, JoinFeed, ServerStops }

    /// <summary>Where a client continues: Last-Event-ID (a reconnect), else ?after=N, else from the start.</summary>
    public static long AfterOf(HttpRequest request)
    {
        var text = request.Headers["Last-Event-ID"].FirstOrDefault() is { Length: > 0 } header ? header : request.Query["after"].FirstOrDefault();
        return long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var after) ? after : 0;
    }

    /// <param name="feed">The search's shared live window, or null (a completed search): read while it covers the next
    /// event; before it (a page that starts from an early event), or when it has ended, the page reads on its own.</param>
    /// <param name="stopping">Cancelled when the server stops.</param>
    public static async Task WriteAsync(HttpResponse response, SearchLog log, string searchId, long after, ISearchSpace space, SearchFeed? feed,
        CancellationToken stopping, CancellationToken cancel)
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";   // nginx: pass events on at once (docs/web.md)
        await response.Body.FlushAsync(cancel).ConfigureAwait(false);
        var batch = new List<SearchFeed.Frame>();
        while (true)
        {
            // the shared window while it holds the next event (an ended feed still hands out what it holds)
            while (feed is not null)
            {
                batch.Clear();
                if (!feed.TryRead(after, batch, out var changed, out var ended)) break;   // the window moved past this page
                if (batch.Count == 0)
                {
                    if (ended) break;
                    if (!await ArrivesAsync(changed, stopping, cancel).ConfigureAwait(false)) return;
                    continue;
                }
                // copied into the response's pipe and sent with one flush: a write per event would flush (and send) each
                var writer = response.BodyWriter;
                WriteAll(writer, batch);
                await writer.FlushAsync(cancel).ConfigureAwait(false);
                after = batch[^1].Seq;
                if (batch[^1].Last)
                {
                    await EndAsync(response, cancel).ConfigureAwait(false);
                    return;
                }
                // let a burst gather before the next write; a page that reads slower than that is not held back further
                if (!stopping.IsCancellationRequested) await Task.Delay(Cadence, cancel).ConfigureAwait(false);
            }
            batch.Clear();
            if (feed is not null)
                Log.Info("a page of search {0} reads the log on its own after event {1}: the shared window {2}", searchId, after,
                    feed.Ended ? "has ended" : "no longer reaches back that far (the page opened late or fell behind)");
            switch (await OwnAsync(response, log, searchId, after, space, feed, a => after = a, stopping, cancel).ConfigureAwait(false))
            {
                case Outcome.SearchEnded:
                    await EndAsync(response, cancel).ConfigureAwait(false);
                    return;
                case Outcome.ServerStops:
                    return;
            }
        }
    }

    /// <summary>
    /// Copies the frames into the response's pipe, many to a buffer: Kestrel takes a lock for every buffer asked for and
    /// every advance, and twenty pages of a search at full speed would otherwise take it twice per event each.
    /// </summary>
    private static void WriteAll(PipeWriter writer, List<SearchFeed.Frame> frames)
    {
        Span<byte> buffer = default;
        var used = 0;
        foreach (var frame in frames)
        {
            var bytes = frame.Bytes;
            if (bytes.Length > buffer.Length - used)
            {
                // never an advance of nothing: in a chunked response that is the empty chunk that ends the body
                if (used > 0) writer.Advance(used);
                buffer = writer.GetSpan(bytes.Length);
                used = 0;
            }
            bytes.CopyTo(buffer[used..]);
            used += bytes.Length;
        }
        if (used > 0) writer.Advance(used);
    }

    /// <summary>
    /// True once <paramref name="more"/> completes; false when the server stops and it does not complete within
    /// <see cref="IdleWhenStopping"/>.
    /// </summary>
    private static async Task<bool> ArrivesAsync(Task more, CancellationToken stopping, CancellationToken cancel)
    {
        using (var either = CancellationTokenSource.CreateLinkedTokenSource(stopping, cancel))
        {
            try
            {
                await more.WaitAsync(either.Token).ConfigureAwait(false);
                return true;
            }
            catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
            {
                // the server stops: a last wait for what the log already holds
            }
        }
        return await Task.WhenAny(more, Task.Delay(IdleWhenStopping, cancel)).ConfigureAwait(false) == more;
    }

    /// <summary>A subscription of this page's own, until the shared window covers the next event, the search ends, or the
    /// server stops while no event comes.</summary>
    private static async Task<Outcome> OwnAsync(HttpResponse response, SearchLog log, string searchId, long after, ISearchSpace space, SearchFeed? feed,
        Action<long> reached, CancellationToken stopping, CancellationToken cancel)
    {
        using var leave = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var events = log.SubscribeAsync(searchId, after, leave.Token).GetAsyncEnumerator(leave.Token);
        var unflushed = 0;
        try
        {
            while (true)
            {
                var next = events.MoveNextAsync();
                bool more;
                if (next.IsCompleted) more = await next.ConfigureAwait(false);
                else
                {
                    // flush when the next event is not ready yet: a burst goes out in one write, a live event at once
                    await response.BodyWriter.FlushAsync(cancel).ConfigureAwait(false);
                    unflushed = 0;
                    var pending = next.AsTask();
                    if (!await ArrivesAsync(pending, stopping, cancel).ConfigureAwait(false))
                    {
                        await leave.CancelAsync().ConfigureAwait(false);
                        try
                        {
                            await pending.ConfigureAwait(false);
                        }
                        catch (OperationCanceledException)
                        {
                            // the subscription stopped waiting
                        }
                        return Outcome.ServerStops;
                    }
                    more = await pending.ConfigureAwait(false);
                }
                if (!more) return Outcome.SearchEnded;
                var bytes = Frame(events.Current, space);
                response.BodyWriter.Write(bytes);
                unflushed += bytes.Length;
                // a catch-up whose events are all ready at once still goes out in bounded pieces
                if (unflushed >= FlushEvery)
                {
                    await response.BodyWriter.FlushAsync(cancel).ConfigureAwait(false);
                    unflushed = 0;
                }
                reached(events.Current.SequenceNr);
                if (feed is not null && feed.Covers(events.Current.SequenceNr))
                {
                    await response.BodyWriter.FlushAsync(cancel).ConfigureAwait(false);
                    return Outcome.JoinFeed;
                }
            }
        }
        finally
        {
            await leave.CancelAsync().ConfigureAwait(false);
            await events.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task EndAsync(HttpResponse response, CancellationToken cancel)
    {
        await response.Body.WriteAsync(End, cancel).ConfigureAwait(false);
        await response.Body.FlushAsync(cancel).ConfigureAwait(false);
    }

    /// <summary>"id: N" and one line of JSON: the sequence number, the log's manifest, the event as the log stores it, and
    /// for a proposal its genotype in the space's own notation. Put together from UTF-8 pieces: every page of a search
    /// at full speed gets thousands of these a second, and the event's JSON is copied once, not decoded and re-encoded.</summary>
    public static byte[] Frame(LoggedEvent logged, ISearchSpace space)
    {
        byte[] type;
        byte[] body;
        try
        {
            type = TypeJson.GetOrAdd(EventSerializer.ManifestOf(logged.Event), static m => JsonSerializer.SerializeToUtf8Bytes(m));
            body = EventSerializer.ToBytes(logged.Event);
        }
        catch (ArgumentException)
        {
            type = JsonSerializer.SerializeToUtf8Bytes(logged.Event.GetType().Name);   // an event this page does not know: passed on, the page ignores it
            body = "{}"u8.ToArray();
        }
        Span<byte> seq = stackalloc byte[20];
        logged.SequenceNr.TryFormat(seq, out var digits, default, System.Globalization.CultureInfo.InvariantCulture);
        seq = seq[..digits];
        var genotype = logged.Event is CandidateProposed p ? JsonSerializer.SerializeToUtf8Bytes(space.Format(p.Genotype)) : null;
        var frame = new byte[IdPrefix.Length + seq.Length + SeqPrefix.Length + seq.Length + TypePrefix.Length + type.Length
            + (genotype is null ? 0 : GenotypePrefix.Length + genotype.Length) + EventPrefix.Length + body.Length + FrameEnd.Length];
        var at = 0;
        void Put(ReadOnlySpan<byte> piece)
        {
            piece.CopyTo(frame.AsSpan(at));
            at += piece.Length;
        }
        Put(IdPrefix);
        Put(seq);
        Put(SeqPrefix);
        Put(seq);
        Put(TypePrefix);
        Put(type);
        if (genotype is not null)
        {
            Put(GenotypePrefix);
            Put(genotype);
        }
        Put(EventPrefix);
        Put(body);
        Put(FrameEnd);
        return frame;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> TypeJson = new(StringComparer.Ordinal);
    private static readonly byte[] IdPrefix = "id: "u8.ToArray();
    private static readonly byte[] SeqPrefix = "\ndata: {\"seq\":"u8.ToArray();
    private static readonly byte[] TypePrefix = ",\"type\":"u8.ToArray();
    private static readonly byte[] GenotypePrefix = ",\"genotype\":"u8.ToArray();
    private static readonly byte[] EventPrefix = ",\"event\":"u8.ToArray();
    private static readonly byte[] FrameEnd = "}\n\n"u8.ToArray();
}
