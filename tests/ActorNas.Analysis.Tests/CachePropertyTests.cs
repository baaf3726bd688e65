using ActorNas.Analysis.Caching;
using ActorNas.Core.Caching;
using CsCheck;
using Xunit;

namespace ActorNas.Analysis.Tests;

/// <summary>Cache policies on random sequences: none beats Belady, and no cache ever holds more than its capacity.</summary>
public sealed class CachePropertyTests
{
    /// <summary>A step: 0 a donor choice of model B, 1 a request of layer A, 2 an offer of layer A by model B.</summary>
    private static readonly Gen<(int Kind, int Layer, int Model)> Step = Gen.Select(Gen.Int[0, 2], Gen.Int[0, 9], Gen.Int[0, 5]);

    private static List<CacheEvent> Events((int Kind, int Layer, int Model)[] steps, bool offerAfterMiss)
    {
        var events = new List<CacheEvent>();
        foreach (var (kind, layer, model) in steps)
        {
            var name = "l" + layer;
            switch (kind)
            {
                case 0: events.Add(CacheEvent.DonorChosen(model)); break;
                case 1:
                    events.Add(CacheEvent.Request(name));
                    // demand caching: the requested layer is offered at once (as if its model were evaluated right away)
                    if (offerAfterMiss) events.Add(CacheEvent.Offer(name, model));
                    break;
                default: events.Add(CacheEvent.Offer(name, model)); break;
            }
        }
        return events;
    }

    private static IEnumerable<ICachePolicy> OnlinePolicies(int window) =>
        [new NoCachePolicy(), new LruPolicy(), new LfuPolicy(), new DonorPopularityPolicy(window)];

    [Fact]
    public void No_online_policy_beats_belady_when_a_missed_layer_is_offered_right_after_its_request()
    {
        Gen.Select(Step.Array[0, 80], Gen.Int[1, 5], Gen.Int[1, 6]).Sample((steps, capacity, window) =>
        {
            var events = Events(steps, offerAfterMiss: true);
            var requests = events.Where(e => e.Kind == CacheEventKind.Request).Select(e => e.Layer).ToList();
            var belady = CacheReplay.Run(events, new LayerCacheBook(capacity, new BeladyPolicy(requests, capacity)));
            foreach (var policy in OnlinePolicies(window))
            {
                var hits = CacheReplay.Run(events, new LayerCacheBook(capacity, policy));
                Assert.True(hits <= belady, $"{policy.Name}: {hits} hits, belady {belady}, capacity {capacity}");
            }
        }, iter: 2000);
    }

    [Fact]
    public void No_cache_ever_holds_more_than_its_capacity_and_every_eviction_was_held()
    {
        Gen.Select(Step.Array[0, 80], Gen.Int[0, 5], Gen.Bool).Sample((steps, capacity, demand) =>
        {
            var events = Events(steps, demand);
            var requests = events.Where(e => e.Kind == CacheEventKind.Request).Select(e => e.Layer).ToList();
            foreach (var policy in OnlinePolicies(3).Append(new BeladyPolicy(requests, capacity)))
            {
                var book = new LayerCacheBook(capacity, policy);
                var held = new HashSet<string>();
                foreach (var e in events)
                {
                    CacheReplay.Run([e], book);
                    if (e.Kind == CacheEventKind.Offer)
                    {
                        if (book.Contains(e.Layer)) held.Add(e.Layer);
                        held.RemoveWhere(l => !book.Contains(l));
                    }
                    Assert.True(book.Bytes <= capacity && book.Count <= capacity, $"{policy.Name} holds {book.Count} with capacity {capacity}");
                    Assert.Equal(held.Count, book.Count);
                }
            }
        }, iter: 500);
    }
}
