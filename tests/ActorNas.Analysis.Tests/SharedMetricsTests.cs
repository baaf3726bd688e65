using Xunit;

namespace ActorNas.Analysis.Tests;

public sealed class SharedMetricsTests
{
    [Fact]
    public void Shared_metrics_read_as_the_dictionary_they_came_from_in_its_order()
    {
        var shared = new SharedMetrics().Share(new Dictionary<string, double> { ["loss"] = 0.25, ["acc"] = 0.9 })!;

        Assert.Equal(["loss", "acc"], shared.Keys);
        Assert.Equal([0.25, 0.9], shared.Values);
        Assert.Equal([KeyValuePair.Create("loss", 0.25), KeyValuePair.Create("acc", 0.9)], shared);
        Assert.Equal(0.9, shared["acc"]);
        Assert.True(shared.ContainsKey("loss"));
        Assert.False(shared.TryGetValue("params", out _));
        var missing = Assert.Throws<KeyNotFoundException>(() => shared["params"]);
        Assert.Contains("params", missing.Message);
    }

    [Fact]
    public void Candidates_with_the_same_names_share_one_name_list_and_keep_their_own_values()
    {
        var metrics = new SharedMetrics();
        var first = metrics.Share(new Dictionary<string, double> { ["loss"] = 1, ["acc"] = 0.5 })!;
        var other = metrics.Share(new Dictionary<string, double> { ["params"] = 3 })!;
        var second = metrics.Share(new Dictionary<string, double> { ["loss"] = 2, ["acc"] = 0.6 })!;

        Assert.Same(first.Keys, second.Keys);
        Assert.Equal([1.0, 0.5], first.Values);
        Assert.Equal([2.0, 0.6], second.Values);
        Assert.Equal(["params"], other.Keys);
    }

    [Fact]
    public void Names_that_join_to_the_same_text_stay_apart()
    {
        var metrics = new SharedMetrics();
        var two = metrics.Share(new Dictionary<string, double> { ["a\nb"] = 1, ["c"] = 2 })!;
        var three = metrics.Share(new Dictionary<string, double> { ["a"] = 1, ["b\nc"] = 2 })!;
        var again = metrics.Share(new Dictionary<string, double> { ["a\nb"] = 5, ["c"] = 6 })!;

        Assert.Equal(["a\nb", "c"], two.Keys);
        Assert.Equal(["a", "b\nc"], three.Keys);
        Assert.Same(two.Keys, again.Keys);
    }

    [Fact]
    public void Metrics_shared_by_two_interners_are_equal_when_names_and_values_are()
    {
        Dictionary<string, double> Reported(double acc) => new() { ["loss"] = 0.5, ["acc"] = acc };
        var one = new SharedMetrics().Share(Reported(0.9))!;
        var other = new SharedMetrics().Share(Reported(0.9))!;

        // as a record compares its members (CandidateRecord.Metrics)
        var equality = EqualityComparer<IReadOnlyDictionary<string, double>>.Default;
        Assert.True(equality.Equals(one, other));
        Assert.Equal(equality.GetHashCode(one), equality.GetHashCode(other));
        Assert.False(equality.Equals(one, new SharedMetrics().Share(Reported(0.8))));
        Assert.False(equality.Equals(one, new SharedMetrics().Share(new Dictionary<string, double> { ["acc"] = 0.9, ["loss"] = 0.5 })));
    }

    [Fact]
    public void No_metrics_stay_no_metrics()
    {
        Assert.Null(new SharedMetrics().Share(null));
    }
}
