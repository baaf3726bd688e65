using ActorNas.Actors.Caching;
using ActorNas.Actors.Configuration;
using ActorNas.Actors.Search;
using ActorNas.Core.Caching;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Events;
using Akka.Configuration;
using Xunit;
using Xunit.Abstractions;

namespace ActorNas.Actors.Tests.Caching;

/// <summary>A search's evaluator slots reach the node's WeightCache through their context, as the train evaluator does.</summary>
public sealed class SearchWithWeightCacheTests(ITestOutputHelper output) : SqliteTestKit(output)
{
    /// <summary>Stands in for the train evaluator: fetches the genotype's "layers" (prefixes), records the facts, offers its own.</summary>
    private sealed class PrefixEvaluator : IEvaluator
    {
        public async Task<EvaluationResult> EvaluateAsync(Candidate candidate, EvaluationContext context, CancellationToken cancellationToken)
        {
            var cache = Assert.IsType<ActorLayerCache>(context.LayerCache);
            var layers = Enumerable.Range(1, candidate.Genotype.Length).Select(n => string.Join(',', candidate.Genotype.Take(n))).ToList();
            var fetch = await cache.FetchAsync(new LayerRequest(candidate.Id, candidate.ParentId, candidate.ParentNode, candidate.Attempt, layers),
                cancellationToken);
            await cache.OfferAsync([.. layers.Select(l => LayerPayload.Of(l, candidate.Id, new byte[100]))], cancellationToken);
            return new EvaluationResult(candidate.Genotype.Sum() / 30.0, new Dictionary<string, double>(fetch.Metrics()), fetch.LocalHits,
                fetch.LocalHits > 0);
        }
    }

    [Fact]
    public async Task Evaluators_fetch_from_and_offer_to_the_nodes_one_cache_and_the_log_records_the_facts()
    {
        var settings = ActorNasSettings.From(ActorNasConfig.Combine(ConfigurationFactory.ParseString("""
            actornas.search { budget = 40, population-size = 8, sample-size = 3 }
            actornas.evaluator.workers = 2
            # a lookahead evaluation cancelled at the budget would count its hits in the cache but not in the log
            actornas.evaluator.lookahead = 0
            actornas.weight-cache { policy = lru, memory-mb = 1 }
            """)));
        var session = SearchSession.Start(Sys, new SearchSessionOptions("cached", settings.Search, true, settings, _ => new PrefixEvaluator(), "node-a"));
        var outcome = await session.Completion.WaitAsync(TimeSpan.FromSeconds(60));
        await session.DisposeAsync();
        Assert.True(outcome.Completed, outcome.Error);

        var stats = (await new ActorLayerCache(await Sys.ActorSelection("/system/" + WeightCacheActor.Name).ResolveOne(TimeSpan.FromSeconds(10)),
            TimeSpan.FromSeconds(10)).StatsAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("node-a", stats.Node);
        var evaluated = (await ReadLogAsync("cached")).OfType<CandidateEvaluated>().ToList();
        Assert.Equal(40 * 6, evaluated.Sum(e => e.Metrics!["cacheLayersRequested"]));
        Assert.Equal(stats.Stats.Hits, evaluated.Sum(e => (long)e.Metrics!["cacheLocalHits"]));
        Assert.True(stats.Stats.Hits > 0, "children share their parents' prefixes");
        Assert.Contains(evaluated, e => e.CacheHit == true);
        Assert.All(evaluated, e => Assert.Equal(0, e.Metrics!["cacheRemoteHits"]));

        // a second search in the same process uses the same cache: the node has one
        var again = SearchSession.Start(Sys, new SearchSessionOptions("cached-2", settings.Search, true, settings, _ => new PrefixEvaluator(), "node-a"));
        var second = await again.Completion.WaitAsync(TimeSpan.FromSeconds(60));
        await again.DisposeAsync();
        Assert.True(second.Completed, second.Error);
        var first = (await ReadLogAsync("cached-2")).OfType<CandidateEvaluated>().OrderBy(e => e.Id).First();
        Assert.True(first.Metrics!["cacheHitsTotal"] >= stats.Stats.Hits);
    }
}
