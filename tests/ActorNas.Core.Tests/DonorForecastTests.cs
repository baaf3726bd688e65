using ActorNas.Core.Caching;
using Xunit;

namespace ActorNas.Core.Tests;

/// <summary>donor-popularity's expected requests made once and shared by the policies of several caches in step.</summary>
public sealed class DonorForecastTests
{
    /// <summary>A small evolution-like sequence: a child of a recent model asks for its layers, then is evaluated and offered.</summary>
    private static void Replay(IReadOnlyList<LayerCacheBook> books, int seed, int models)
    {
        var random = new Random(seed);
        var genotypes = new List<string[]>();
        for (var id = 1; id <= models; id++)
        {
            long? parent = id > 5 ? id - 1 - random.Next(Math.Min(id - 1, 12)) : null;
            var layers = new string[4];
            var mutation = random.Next(layers.Length);
            for (var i = 0; i < layers.Length; i++)
                layers[i] = parent is { } p && i < mutation ? genotypes[(int)p - 1][i] : $"{id}.{i}";
            genotypes.Add(layers);
            foreach (var book in books)
            {
                if (parent is { } donor) book.DonorChosen(donor);
                foreach (var layer in layers) book.Request(layer);
            }
            var model = new EvaluatedModel(id, parent, random.NextDouble(), layers);
            foreach (var book in books)
            {
                book.Evaluated(model);
                if (id % 17 == 0) book.Evaluated(model);   // offered twice: heard once
                foreach (var layer in layers) book.Offer(layer, id, 1);
            }
        }
    }

    [Fact]
    public void Caches_sharing_one_forecast_hit_and_evict_exactly_as_caches_with_their_own()
    {
        long[] capacities = [3, 10, 40, 200];
        var forecast = new DonorForecast(population: 20, sample: 5);
        var shared = capacities.Select(c => new LayerCacheBook(c, new DonorPopularityPolicy(window: 15, forecast))).ToList();
        var own = capacities.Select(c => new LayerCacheBook(c, new DonorPopularityPolicy(window: 15, population: 20, sample: 5))).ToList();

        Replay(shared, seed: 11, models: 600);
        foreach (var book in own) Replay([book], seed: 11, models: 600);

        for (var i = 0; i < capacities.Length; i++)
        {
            Assert.Equal((own[i].Hits, own[i].Misses, own[i].Evictions), (shared[i].Hits, shared[i].Misses, shared[i].Evictions));
            Assert.True(shared[i].Evictions > 0 || capacities[i] == 200, $"capacity {capacities[i]} evicted nothing: the replay tests too little");
        }
        var policy = (DonorPopularityPolicy)own[0].Policy;
        Assert.Equal(policy.ExpectedRequestsOf("600.0"), forecast.ExpectedRequestsOf("600.0"));
        Assert.True(forecast.ExpectedRequestsOf("600.0") > 0 || forecast.ExpectedRequestsOf("599.0") > 0);
    }

    [Fact]
    public void A_policy_that_falls_out_of_step_with_its_shared_forecast_is_refused_with_the_rule()
    {
        var forecast = new DonorForecast(population: 4, sample: 2);
        var ahead = new DonorPopularityPolicy(window: 5, forecast);
        var behind = new DonorPopularityPolicy(window: 5, forecast);
        ahead.OnEvaluated(new EvaluatedModel(1, null, 0.5, ["a"]));
        ahead.OnEvaluated(new EvaluatedModel(2, 1, 0.6, ["a", "b"]));

        var error = Assert.Throws<InvalidOperationException>(() => behind.OnEvaluated(new EvaluatedModel(1, null, 0.5, ["a"])));
        Assert.Contains("same evaluations in the same order", error.Message);
    }
}
