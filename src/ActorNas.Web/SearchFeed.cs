using ActorNas.Actors.Query;
using ActorNas.Core.Spaces;

namespace ActorNas.Web;

/// <summary>
/// One live subscription per running search, shared by every open page: the newest events, each serialized once, in a
/// bounded window. Twenty pages on one search cost one reader of the journal, not twenty (docs/benchmarks.md). The feed
/// starts where the first page starts (pages fold their charts from the search's first event, so pages opened together
/// share the catch-up too); a page that starts before the window (opened later in a long search) catches up with a
/// subscription of its own and joins the shared window once it reaches it.
/// </summary>
internal sealed class SearchFeed : IDisposable
{
    /// <summary>One event as the stream sends it; <paramref name="Last"/>: SearchCompleted, after which the stream ends.</summary>
    public sealed record Frame(long Seq, byte[] Bytes, bool Last);

    /// <summary>Events kept for the pages: enough for a page that falls a few seconds behind a search at full speed.</summary>
    public const int Window = 20_000;

    private readonly object _gate = new();
    private readonly List<Frame> _frames = [];
    private readonly CancellationTokenSource _stop = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _firstSeq;
    private bool _ended;

    private SearchFeed(long after) => _firstSeq = after + 1;

    /// <summary>Whether the subscription has ended (the search completed, or the log could not be read).</summary>
    public bool Ended
    {
        get { lock (_gate) return _ended; }
    }

    /// <summary>Follows <paramref name="searchId"/> from after event <paramref name="after"/> (where the first page started).</summary>
    public static SearchFeed Start(SearchLog log, string searchId, long after, ISearchSpace space)
    {
        var feed = new SearchFeed(after);
        _ = Task.Run(() => feed.PumpAsync(log, searchId, after, space));
        return feed;
    }

    private async Task PumpAsync(SearchLog log, string searchId, long after, ISearchSpace space)
    {
        try
        {
            await foreach (var e in log.SubscribeAsync(searchId, after, _stop.Token).ConfigureAwait(false))
            {
                var frame = new Frame(e.SequenceNr, EventStream.Frame(e, space), e.Event is Core.Events.SearchCompleted);
                TaskCompletionSource changed;
                lock (_gate)
                {
                    _frames.Add(frame);
                    if (_frames.Count > Window + Window / 2)
                    {
                        // trimmed in chunks: one copy per half window, not one per event
                        _frames.RemoveRange(0, _frames.Count - Window);
                        _firstSeq = _frames[0].Seq;
                    }
                    changed = _changed;
                    _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
                changed.TrySetResult();
            }
        }
        catch (Exception) when (!_stop.IsCancellationRequested)
        {
            // the log cannot be read now: pages fall back to their own subscription, which reports the error
        }
        catch (OperationCanceledException)
        {
            // the server stops
        }
        TaskCompletionSource last;
        lock (_gate)
        {
            _ended = true;
            last = _changed;
        }
        last.TrySetResult();
    }

    /// <summary>
    /// The frames after event <paramref name="after"/> held now, and a task that completes when more arrive. False when
    /// the window no longer reaches back to <paramref name="after"/> + 1: the caller catches up on its own.
    /// </summary>
    public bool TryRead(long after, List<Frame> into, out Task changed, out bool ended)
    {
        lock (_gate)
        {
            changed = _changed.Task;
            ended = _ended;
            if (after + 1 < _firstSeq) return false;
            // sequence numbers are consecutive: the frame after `after` is at a known index
            var from = (int)Math.Max(0, after + 1 - _firstSeq);
            if (from < _frames.Count) into.AddRange(_frames.GetRange(from, _frames.Count - from));
            return true;
        }
    }

    /// <summary>Whether the window holds every event after <paramref name="after"/>.</summary>
    public bool Covers(long after)
    {
        lock (_gate) return !_ended && after + 1 >= _firstSeq;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
