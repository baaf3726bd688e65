using ActorNas.Actors.Configuration;
using ActorNas.Analysis.Caching;
using ActorNas.Core.Caching;
using Xunit;

namespace ActorNas.Actors.Tests.Caching;

/// <summary>
/// The WeightCache actor driven by a request/offer/donor sequence hits exactly where <see cref="LayerCacheBook"/> replayed
/// directly on the same sequence (what the offline cache study runs) hits, for every policy the factory knows. Most
/// offers come with their evaluated model (objective, parent), which donor-popularity ranks; some without, as a copy
/// fetched from another node would.
/// </summary>
public sealed class LiveAndOfflineHitsTests
{
    private abstract record Step;
    private sealed record Ask(long Candidate, long? Donor, int Attempt, string[] Layers) : Step;
    private sealed record Give(LayerPayload[] Layers, EvaluatedModel? Model) : Step;

    private const int Population = 30, Sample = 5;

    /// <summary>Children of random parents request prefixes of chained layer names, then offer their own layers.</summary>
    /// <param name="layerBytes">Every layer this size; null: sizes vary by position.</param>
    private static List<Step> Sequence(int seed, int? layerBytes = null)
    {
        var random = new Random(seed);
        var steps = new List<Step>();
        for (long id = 1; id <= 120; id++)
        {
            long? donor = id > 5 ? random.Next(1, (int)id) : null;
            var layers = Enumerable.Range(0, 6).Select(p => $"p{p}-v{random.Next(p < 2 ? 2 : 4)}").ToArray();
            var attempt = random.Next(10) == 0 ? 2 : 1;
            steps.Add(new Ask(id, donor, attempt, layers));
            var model = random.Next(8) == 0 ? null : new EvaluatedModel(id, donor, random.NextDouble(), layers);
            steps.Add(new Give([.. layers.Select((l, p) => CacheNode.Random(l, id, layerBytes ?? 200 + 100 * p, (int)id * 10 + p))], model));
        }
        return steps;
    }

    public static TheoryData<string> Policies() => [.. CachePolicies.Names];

    private static Task Offer(CacheNode node, Give give) =>
        give.Model is { } model ? node.Cache.OfferAsync(model, give.Layers, CancellationToken.None) : node.Offer(give.Layers);

    [Theory]
    [MemberData(nameof(Policies))]
    public async Task Live_hits_equal_the_books_replay_of_the_same_sequence(string policy)
    {
        const long capacity = 4000;
        const int window = 20;
        var steps = Sequence(11);
        await using var node = CacheNode.Start(new WeightCacheSettings(policy, capacity, DonorWindow: window, Population: Population, Sample: Sample), remote: false);
        var book = new LayerCacheBook(capacity, CachePolicies.Create(policy, new CachePolicySettings(window, Population, Sample)));
        var live = new List<int>();
        var offline = new List<int>();
        foreach (var step in steps)
            switch (step)
            {
                case Ask ask:
                    live.Add((await node.Cache.FetchAsync(new LayerRequest(ask.Candidate, ask.Donor, null, ask.Attempt, ask.Layers), CancellationToken.None))
                        .LocalHits);
                    if (ask.Donor is { } donor && ask.Attempt == 1) book.DonorChosen(donor);
                    offline.Add(ask.Layers.Count(book.Request));
                    break;
                case Give give:
                    await Offer(node, give);
                    if (give.Model is { } model) book.Evaluated(model);
                    foreach (var layer in give.Layers) book.Offer(layer.Layer, layer.Owner, layer.Bytes);
                    break;
            }
        Assert.Equal(offline, live);
        var stats = await node.Stats();
        Assert.Equal((book.Hits, book.Misses, book.Evictions, book.Bytes), (stats.Hits, stats.Misses, stats.Evictions, stats.Bytes));
        if (policy != CachePolicies.None) Assert.True(book.Hits > 0 && book.Evictions > 0, $"{policy}: the sequence should hit and evict");
    }

    /// <summary>
    /// The same check against the cache study's own replay (ActorNas.Analysis, which counts capacity in layers): with
    /// every layer one size, a live cache of k layers' bytes and the study's cache of k layers hit and evict alike.
    /// </summary>
    [Theory]
    [MemberData(nameof(Policies))]
    public async Task Live_hits_equal_the_cache_studys_replay(string policy)
    {
        const int layerBytes = 300, capacityLayers = 12, window = 20;
        var steps = Sequence(23, layerBytes);
        await using var node = CacheNode.Start(new WeightCacheSettings(policy, capacityLayers * layerBytes, DonorWindow: window, Population: Population, Sample: Sample),
            remote: false);
        var events = new List<CacheEvent>();
        foreach (var step in steps)
            switch (step)
            {
                case Ask ask:
                    await node.Cache.FetchAsync(new LayerRequest(ask.Candidate, ask.Donor, null, ask.Attempt, ask.Layers), CancellationToken.None);
                    if (ask.Donor is { } donor && ask.Attempt == 1) events.Add(CacheEvent.DonorChosen(donor));
                    events.AddRange(ask.Layers.Select(CacheEvent.Request));
                    break;
                case Give give:
                    await Offer(node, give);
                    if (give.Model is { } model) events.Add(CacheEvent.Evaluated(model));
                    events.AddRange(give.Layers.Select(l => CacheEvent.Offer(l.Layer, l.Owner)));
                    break;
            }
        var study = new LayerCacheBook(capacityLayers * CacheReplay.LayerBytes, CachePolicies.Create(policy, new CachePolicySettings(window, Population, Sample)));
        CacheReplay.Run(events, study);
        var stats = await node.Stats();
        Assert.Equal((study.Hits, study.Misses, study.Evictions), (stats.Hits, stats.Misses, stats.Evictions));
        Assert.Equal(study.Count * layerBytes, stats.Bytes);
    }
}
