using ActorNas.Core.Caching;
using Xunit;

namespace ActorNas.Core.Tests;

/// <summary>donor-popularity's prediction of the search's donor choices from the evaluated models' objectives and lineage.</summary>
public sealed class DonorPopularityPredictionTests
{
    private static void Evaluate(LayerCacheBook book, long id, double objective, long? parent, params string[] layers)
    {
        book.Evaluated(new EvaluatedModel(id, parent, objective, layers));
        foreach (var layer in layers) book.Offer(layer, id, 1);
    }

    [Fact]
    public void Expected_requests_are_tournament_odds_times_births_left_times_the_share_of_children_that_ask()
    {
        // P = 4, S = 2: ranks 1..4 win C(4 - r, 1) / C(4, 2) = 1/2, 1/3, 1/6, 0 of the tournaments
        var policy = new DonorPopularityPolicy(window: 10, population: 4, sample: 2);
        var book = new LayerCacheBook(100, policy);
        Evaluate(book, 1, 0.1, null, "m1a", "m1b");
        Evaluate(book, 2, 0.9, null, "m2a", "m2b");
        Evaluate(book, 3, 0.5, null, "m3a", "m3b");
        Evaluate(book, 4, 0.3, null, "m4a", "m4b");
        // births left: model i has 4 - (4 - i) = i; a child shares layer 0 of 2 when the mutation hits layer 1: 1/2
        Assert.Equal(0.5 * 2 * 0.5, policy.ExpectedRequestsOf("m2a"), 12);
        Assert.Equal(1.0 / 3 * 3 * 0.5, policy.ExpectedRequestsOf("m3a"), 12);
        Assert.Equal(1.0 / 6 * 4 * 0.5, policy.ExpectedRequestsOf("m4a"), 12);
        Assert.Equal(0, policy.ExpectedRequestsOf("m1a"));   // the worst of four never wins a tournament of two
        Assert.Equal(0, policy.ExpectedRequestsOf("m2b"));   // the last layer differs in every child
        Evaluate(book, 5, 0.2, null, "m5a", "m5b");          // model 1 ages out; model 2 has one birth less to live
        Assert.Equal(0.5 * 1 * 0.5, policy.ExpectedRequestsOf("m2a"), 12);
    }

    [Fact]
    public void A_new_top_model_keeps_its_layers_over_a_weak_model_requested_before()
    {
        static bool KeepsTheNewTopLayer(bool tellTheModels)
        {
            var book = new LayerCacheBook(2, new DonorPopularityPolicy(window: 10, population: 10, sample: 3));
            book.DonorChosen(9);
            Assert.False(book.Request("weak-a"));   // the weak model's first layer was wanted once
            void Evaluated(long id, double objective, params string[] layers)
            {
                if (tellTheModels) book.Evaluated(new EvaluatedModel(id, null, objective, layers));
                foreach (var layer in layers) book.Offer(layer, id, 1);
            }
            Evaluated(1, 0.2, "weak-a", "weak-b");
            Evaluated(2, 0.9, "top-a", "top-b");      // nobody chose model 2 yet, but it wins every tournament it is drawn in
            return book.Contains("top-a");
        }
        Assert.True(KeepsTheNewTopLayer(tellTheModels: true));
        Assert.False(KeepsTheNewTopLayer(tellTheModels: false));   // by the window counts alone the requested weak layer stays
    }

    [Fact]
    public void A_donor_raises_the_layers_of_its_parent_and_children_past_their_first_difference()
    {
        // S = 1: every model is as likely a donor (1/2 each); model 1 has 9 births left, model 2 (its child) 10
        var policy = new DonorPopularityPolicy(window: 10, population: 10, sample: 1);
        var book = new LayerCacheBook(100, policy);
        Evaluate(book, 1, 0.5, null, "x", "p2", "p3");
        Evaluate(book, 2, 0.7, 1, "x", "c2", "c3");
        double one = 0.5 * 9, two = 0.5 * 10;
        Assert.Equal((one + two) * 2 / 3, policy.ExpectedRequestsOf("x"), 12);
        // own share 1/3 at layer 1 of 3, and NeighbourShare of the other model's choices (one mutation turns one into the other)
        Assert.Equal(one / 3 + two * DonorPopularityPolicy.NeighbourShare, policy.ExpectedRequestsOf("p2"), 12);
        Assert.Equal(two / 3 + one * DonorPopularityPolicy.NeighbourShare, policy.ExpectedRequestsOf("c2"), 12);
        Assert.Equal(two * DonorPopularityPolicy.NeighbourShare, policy.ExpectedRequestsOf("p3"), 12);
        Assert.Equal(one * DonorPopularityPolicy.NeighbourShare, policy.ExpectedRequestsOf("c3"), 12);
    }

    [Fact]
    public void Models_that_aged_out_are_forgotten_unless_a_living_child_descends_from_them()
    {
        var policy = new DonorPopularityPolicy(window: 5, population: 5, sample: 2);
        var book = new LayerCacheBook(10, policy);
        Evaluate(book, 1, 0.1, null, "root-a", "root-b");
        for (var id = 2; id <= 500; id++)
        {
            // a chain: every model is the child of the one before
            Evaluate(book, id, id % 7 / 10.0, id - 1, "root-a", $"l{id}");
            Assert.True(policy.RememberedModels <= 6, $"{policy.RememberedModels} models remembered after {id}");
            // their layers with them: root-a and one of its own per remembered model
            Assert.True(policy.NumberedLayers <= 7, $"{policy.NumberedLayers} layers numbered after {id}");
        }
        Assert.Equal(0, policy.ExpectedRequestsOf("l2"));
        Assert.True(policy.ExpectedRequestsOf("l500") > 0);
        Assert.True(policy.ExpectedRequestsOf("root-a") > 0);   // every living model still shares it
    }

    [Fact]
    public void The_policy_options_carry_the_search_population_and_sample()
    {
        var policy = Assert.IsType<DonorPopularityPolicy>(CachePolicies.Create("donor-popularity", new CachePolicySettings(Window: 20, Population: 50, Sample: 5)));
        Assert.Equal((20, 50, 5), (policy.Window, policy.PopulationSize, policy.SampleSize));
        var e = Assert.Throws<ArgumentException>(() => CachePolicies.Create("donor-popularity", new CachePolicySettings(Population: 10, Sample: 11)));
        Assert.Contains("S = 11", e.Message, StringComparison.Ordinal);
    }
}
