using ActorNas.Core.Caching;
using Xunit;

namespace ActorNas.Core.Tests;

/// <summary>Each policy evicts what it should on small hand-written sequences (every layer is one byte).</summary>
public sealed class CachePolicyTests
{
    private static LayerCacheBook Book(ICachePolicy policy, long capacity) => new(capacity, policy);

    private static void Offer(LayerCacheBook book, long owner, params string[] layers)
    {
        foreach (var layer in layers) book.Offer(layer, owner, 1);
    }

    private static string[] Held(LayerCacheBook book, params string[] candidates) => [.. candidates.Where(book.Contains)];

    [Fact]
    public void None_keeps_nothing_so_every_request_misses()
    {
        var book = Book(new NoCachePolicy(), 10);
        Offer(book, 1, "a", "b");
        Assert.Equal(0, book.Count);
        Assert.False(book.Request("a"));
        Assert.Equal(1, book.Misses);
    }

    [Fact]
    public void Lru_evicts_the_layer_used_longest_ago()
    {
        var book = Book(new LruPolicy(), 2);
        Offer(book, 1, "a", "b");
        Assert.True(book.Request("a"));        // b is now the older
        Assert.Equal(["b"], book.Offer("c", 2, 1));
        Assert.Equal(["a", "c"], Held(book, "a", "b", "c"));
    }

    [Fact]
    public void Lfu_evicts_the_least_used_and_among_equals_the_one_used_longest_ago()
    {
        var book = Book(new LfuPolicy(), 3);
        Offer(book, 1, "a", "b", "c");
        book.Request("a");
        book.Request("a");
        book.Request("b");
        book.Request("c");                     // uses: a 3, b 2, c 2; c used more recently than b
        Assert.Equal(["b"], book.Offer("d", 2, 1));
        Assert.Equal(["d"], book.Offer("e", 3, 1)); // d: one use (its admission), the least
        book.Request("e");
        book.Request("e");
        book.Request("e");                     // e 4, a 3, c 2
        Assert.Equal(["c"], book.Offer("f", 4, 1));
        Assert.Equal(["a", "e", "f"], Held(book, "a", "b", "c", "d", "e", "f"));
    }

    [Fact]
    public void Lfu_forgets_a_layers_uses_when_it_leaves()
    {
        var book = Book(new LfuPolicy(), 1);
        Offer(book, 1, "a");
        book.Request("a");
        book.Request("a");
        Assert.Equal(["a"], book.Offer("b", 2, 1));
        Assert.Equal(["b"], book.Offer("a", 3, 1)); // a comes back with one use, like b; b is older
    }

    [Fact]
    public void Belady_evicts_the_layer_needed_farthest_in_the_future()
    {
        string[] requests = ["a", "b", "c", "a", "b", "a"];
        var book = Book(new BeladyPolicy(requests, 2), 2);
        Offer(book, 1, "a", "b");
        Assert.True(book.Request("a"));
        Assert.True(book.Request("b"));
        Assert.False(book.Request("c"));
        Assert.Empty(book.Offer("c", 2, 1));  // c is never requested again: not admitted, nothing evicted
        Assert.Equal(["a", "b"], Held(book, "a", "b", "c"));
        Assert.True(book.Request("a"));
        Assert.True(book.Request("b"));
        Assert.True(book.Request("a"));
    }

    [Fact]
    public void Belady_evicts_the_farthest_and_keeps_layers_needed_sooner()
    {
        // a next at 3, b next at 5, c next at 1 (then 4): admitting c must evict b (farthest)
        string[] requests = ["x", "c", "y", "a", "c", "b"];
        var belady = new BeladyPolicy(requests, 2);
        var book = Book(belady, 2);
        Offer(book, 1, "a", "b");
        Assert.False(book.Request("x"));
        Assert.Equal(["b"], book.Offer("c", 2, 1));
        Assert.True(book.Request("c"));
        Assert.False(book.Request("y"));
        Assert.True(book.Request("a"));
        Assert.True(book.Request("c"));
        Assert.False(book.Request("b"));
        Assert.Equal(3, book.Hits);
        Assert.Equal(6, belady.Cursor);
    }

    [Fact]
    public void Belady_bypasses_an_offer_needed_later_than_everything_held_and_never_admits_an_unused_layer()
    {
        string[] requests = ["a", "b", "c"];
        var book = Book(new BeladyPolicy(requests, 2), 2);
        Offer(book, 1, "a", "b", "c", "z");
        Assert.Equal(["a", "b"], Held(book, "a", "b", "c", "z"));
        Assert.Equal(0, book.Evictions);
    }

    [Fact]
    public void Belady_refuses_a_request_that_is_not_the_next_of_its_sequence()
    {
        var book = Book(new BeladyPolicy(["a", "b"], 1), 1);
        book.Request("a");
        var e = Assert.Throws<InvalidOperationException>(() => book.Request("c"));
        Assert.Contains("request 1 is c", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Donor_popularity_keeps_the_layers_of_the_donor_chosen_most_in_the_window()
    {
        var book = Book(new DonorPopularityPolicy(window: 4), 4);
        Offer(book, 1, "a1", "a2");
        Offer(book, 2, "b1", "b2");
        book.DonorChosen(1);
        book.DonorChosen(1);
        book.DonorChosen(2);
        // model 1: 2 choices, model 2: 1; b1 was offered after a2, but b's owner is less popular
        Assert.Equal(["b1"], book.Offer("c1", 3, 1));
        Assert.Equal(["c1"], book.Offer("c2", 3, 1));   // model 3 was never chosen: its layer scores 0, below b2
        Assert.Equal(["a1", "a2", "b2", "c2"], Held(book, "a1", "a2", "b1", "b2", "c1", "c2"));
    }

    [Fact]
    public void Donor_popularity_lets_an_aged_out_donor_fade_and_keeps_fresh_layers_over_dead_ones()
    {
        var policy = new DonorPopularityPolicy(window: 2);
        var book = Book(policy, 3);
        Offer(book, 1, "old");
        book.DonorChosen(1);
        Assert.Equal(1, policy.ScoreOf("old"));
        Offer(book, 2, "x");
        Offer(book, 3, "y");
        book.DonorChosen(2);
        book.DonorChosen(3);                  // model 1 leaves the window of 2 choices
        Assert.Equal(0, policy.ScoreOf("old"));
        Offer(book, 4, "fresh");              // "old" scores 0 and is the least recently used of the zeros
        Assert.Equal(["fresh", "x", "y"], Held(book, "old", "fresh", "x", "y"));
    }

    [Fact]
    public void Donor_popularity_links_a_shared_layer_to_the_younger_donor_whose_child_hit_it()
    {
        var policy = new DonorPopularityPolicy(window: 10);
        var book = Book(policy, 2);
        Offer(book, 1, "shared");             // stored under model 1 (which is never a donor)
        Offer(book, 2, "own");
        book.DonorChosen(5);                  // model 5 holds "shared" by identity
        Assert.True(book.Request("shared"));  // its child's hit links 5 to the layer: requests 1 + popularity of 5
        Assert.Equal(2, policy.ScoreOf("shared"));
        book.DonorChosen(5);
        Assert.Equal(3, policy.ScoreOf("shared"));
        Assert.Equal(["own"], book.Offer("new", 6, 1));
    }

    [Fact]
    public void Donor_popularity_counts_misses_so_a_wanted_layer_is_kept_when_it_is_offered_again()
    {
        var policy = new DonorPopularityPolicy(window: 10);
        var book = Book(policy, 2);
        Offer(book, 1, "a");
        book.DonorChosen(7);
        Assert.False(book.Request("w"));
        Assert.False(book.Request("w"));      // w is wanted twice while it is not held
        Offer(book, 8, "w");
        Assert.Equal(2, policy.ScoreOf("w"));
        Assert.Equal(["a"], book.Offer("z", 9, 1));
        // least recently used would give up w (admitted before z); w's requests keep it
        Assert.Equal(["z"], book.Offer("b", 10, 1));
        Assert.Equal(["w", "b"], Held(book, "a", "w", "z", "b"));
    }

    [Fact]
    public void Donor_popularity_breaks_equal_scores_by_requests_over_the_whole_search_then_by_least_recent_use()
    {
        var policy = new DonorPopularityPolicy(window: 1);
        var book = Book(policy, 3);
        book.DonorChosen(1);
        Assert.False(book.Request("common"));
        Assert.False(book.Request("common"));
        Offer(book, 2, "common", "rare", "fresh");
        book.DonorChosen(1);
        book.DonorChosen(1);                  // the window of one choice no longer holds the requests: every score is 0
        Assert.Equal([0L, 0L, 0L], new[] { "common", "rare", "fresh" }.Select(policy.ScoreOf));
        // "common" was requested twice over the search: the least recently admitted of the never-requested goes first
        Assert.Equal(["rare"], book.Offer("x", 3, 1));
        Assert.Equal(["fresh"], book.Offer("y", 4, 1));
        Assert.Equal(["x"], book.Offer("z", 5, 1));
        Assert.True(book.Contains("common"));
    }

    [Fact]
    public void Donor_popularity_memory_stays_bounded_however_many_layers_a_search_asks_for()
    {
        var policy = new DonorPopularityPolicy(window: 5);
        var book = Book(policy, 10);
        Offer(book, 1, "kept");
        for (var i = 0; i < DonorPopularityPolicy.HistoryCapacity + 5_000; i++)
        {
            if (i % 6 == 0) book.DonorChosen(i);
            book.Request("kept");
            book.Request($"once-{i}");
            Assert.True(policy.RememberedLayers <= DonorPopularityPolicy.HistoryCapacity);
        }
        Assert.True(policy.RememberedLayers < DonorPopularityPolicy.HistoryCapacity, "the counts were never aged");
        Offer(book, 2, "a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
        Assert.True(book.Contains("kept"));    // still the most wanted layer after the ageing
    }

    [Fact]
    public void The_same_sequence_gives_the_same_evictions_every_time()
    {
        static List<string> Run()
        {
            var book = new LayerCacheBook(3, new DonorPopularityPolicy(3));
            var evicted = new List<string>();
            for (var i = 0; i < 60; i++)
            {
                book.DonorChosen(i % 5);
                book.Request($"l{i % 7}");
                evicted.AddRange(book.Offer($"l{(i * 3) % 11}", i, 1));
            }
            return evicted;
        }
        var first = Run();
        Assert.NotEmpty(first);
        Assert.Equal(first, Run());
    }

    [Fact]
    public void The_factory_creates_each_policy_by_its_hocon_name()
    {
        Assert.IsType<NoCachePolicy>(CachePolicies.Create("none"));
        Assert.IsType<LruPolicy>(CachePolicies.Create("lru"));
        Assert.IsType<LfuPolicy>(CachePolicies.Create("lfu"));
        var popularity = Assert.IsType<DonorPopularityPolicy>(CachePolicies.Create("donor-popularity", new CachePolicySettings(Window: 37)));
        Assert.Equal(37, popularity.Window);
        Assert.Equal(DonorPopularityPolicy.DefaultWindow, ((DonorPopularityPolicy)CachePolicies.Create("donor-popularity")).Window);
        foreach (var name in CachePolicies.Names) Assert.Equal(name, CachePolicies.Create(name).Name);
    }

    [Fact]
    public void The_factory_names_the_choices_for_an_unknown_or_offline_only_policy_and_refuses_a_bad_window()
    {
        var unknown = Assert.Throws<ArgumentException>(() => CachePolicies.Create("fifo"));
        Assert.Contains("unknown cache policy \"fifo\"", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("none, lru, lfu, donor-popularity", unknown.Message, StringComparison.Ordinal);
        var belady = Assert.Throws<ArgumentException>(() => CachePolicies.Create("belady"));
        Assert.Contains("offline", belady.Message, StringComparison.Ordinal);
        var window = Assert.Throws<ArgumentException>(() => CachePolicies.Create("donor-popularity", new CachePolicySettings(Window: 0)));
        Assert.Contains("at least 1", window.Message, StringComparison.Ordinal);
    }
}
