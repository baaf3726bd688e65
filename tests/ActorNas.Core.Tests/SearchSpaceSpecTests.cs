using ActorNas.Core.Spaces;
using Xunit;

namespace ActorNas.Core.Tests;

public sealed class SearchSpaceSpecTests
{
    [Fact]
    public void Known_names_create_their_spaces()
    {
        Assert.Same(Nb201Space.Instance, new SearchSpaceSpec("nb201").Create());
        var options = new SequentialSpaceSettings { Layers = 2, Units = [4], Activations = ["relu"] };
        var sequential = Assert.IsType<SequentialSpace>(new SearchSpaceSpec("sequential", options).Create());
        Assert.Equal(options, sequential.Settings);
        Assert.Equal(4, sequential.Length);
        Assert.Equal(new SequentialSpaceSettings(), Assert.IsType<SequentialSpace>(new SearchSpaceSpec("sequential").Create()).Settings);
        var hierarchical = new Core.Spaces.Hierarchical.HierarchicalSpaceSettings { Stages = 1, Channels = [2], Pools = [2], PoolPadding = [0] };
        Assert.Equal(hierarchical, Assert.IsType<Core.Spaces.Hierarchical.HierarchicalSpace>(
            new SearchSpaceSpec("hierarchical", Hierarchical: hierarchical).Create()).Settings);
        Assert.Equal(new[] { "nb201", "sequential", "hierarchical", "spidernet" }, SearchSpaces.BuiltIn);
        Assert.Subset(SearchSpaceSpec.Known.ToHashSet(), SearchSpaces.BuiltIn.ToHashSet());
    }

    [Fact]
    public void An_unknown_name_is_rejected_listing_the_known_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => new SearchSpaceSpec("darts").Create());
        Assert.Contains("unknown search space \"darts\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("nb201, sequential", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Specs_compare_by_value()
    {
        var a = new SearchSpaceSpec("sequential", new SequentialSpaceSettings { Units = [1, 2] });
        var b = new SearchSpaceSpec("sequential", new SequentialSpaceSettings { Units = new List<int> { 1, 2 } });
        Assert.Equal(a, b);
        Assert.NotEqual(a, b with { Sequential = new SequentialSpaceSettings { Units = [2, 1] } });
        Assert.NotEqual(a, new SearchSpaceSpec("nb201"));
    }
}
