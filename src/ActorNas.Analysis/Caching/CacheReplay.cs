using ActorNas.Core.Caching;

namespace ActorNas.Analysis.Caching;

/// <summary>
/// Drives caches through a sequence of cache events with the same <see cref="LayerCacheBook"/> calls the live
/// WeightCache makes, so an offline replay and a live run of the same sequence give the same hits. Every layer counts
/// as <see cref="LayerBytes"/> byte(s): the study's capacity is in layers.
/// </summary>
public static class CacheReplay
{
    public const long LayerBytes = 1;

    /// <summary>Replays <paramref name="events"/> against one cache; returns its hits.</summary>
    public static long Run(IEnumerable<CacheEvent> events, LayerCacheBook book)
    {
        Run(events, [book]);
        return book.Hits;
    }

    /// <summary>Replays <paramref name="events"/> against several caches at once (one pass over the sequence).</summary>
    public static void Run(IEnumerable<CacheEvent> events, IReadOnlyList<LayerCacheBook> books)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(books);
        foreach (var e in events)
        {
            switch (e.Kind)
            {
                case CacheEventKind.DonorChosen:
                    foreach (var book in books) book.DonorChosen(e.Id);
                    break;
                case CacheEventKind.Request:
                    foreach (var book in books) book.Request(e.Layer);
                    break;
                case CacheEventKind.Evaluated:
                    foreach (var book in books) book.Evaluated(e.Model ?? throw new ArgumentException("an Evaluated cache event without its model", nameof(events)));
                    break;
                case CacheEventKind.Offer:
                    foreach (var book in books) book.Offer(e.Layer, e.Id, LayerBytes);
                    break;
                default:
                    throw new ArgumentException($"unknown cache event kind {e.Kind}", nameof(events));
            }
        }
    }
}
