using ActorNas.Core.Evaluation;
using ActorNas.Core.Events;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;
using ActorNas.Core.Tests.TestSupport;
using Xunit;

namespace ActorNas.Core.Tests;

/// <summary>A child is handed out with the node that evaluated its parent: where the parent's layers are cached.</summary>
public sealed class ParentNodeTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);

    private static SearchState Started() => StateSteps.Started(new SearchSettings
    {
        Space = new SearchSpaceSpec(Nb201Space.SpaceName), PopulationSize = 2, SampleSize = 2, Budget = 50, MaxAttempts = 3, Seed = 3,
    }, T0);

    private static void Apply(SearchState state, IEnumerable<ISearchEvent> events) => StateSteps.Apply(state, events);

    private static Candidate Take(SearchState state, string node) => StateSteps.Take(state, $"{node}/slot-0", node, T0);

    [Fact]
    public void A_child_carries_its_parents_node_also_when_it_is_handed_out_again()
    {
        var state = Started();
        var first = Take(state, "10.0.0.1:4053");
        var second = Take(state, "10.0.0.2:4053");
        Assert.Null(first.ParentNode);
        Apply(state, state.Complete(first.Id, new EvaluationResult(0.9), T0, T0, "10.0.0.1:4053/slot-0", "10.0.0.1:4053"));
        Apply(state, state.Complete(second.Id, new EvaluationResult(0.1), T0, T0, "10.0.0.2:4053/slot-0", "10.0.0.2:4053"));
        Assert.Equal("10.0.0.1:4053", state.Population[0].Node);

        var child = Take(state, "10.0.0.3:4053");
        Assert.Equal((first.Id, "10.0.0.1:4053"), (child.ParentId, child.ParentNode));

        // a failed attempt goes back to the queue; the re-issue still names the parent's node, also after a snapshot
        Apply(state, state.Fail(child.Id, "boom", "10.0.0.3:4053/slot-0", T0));
        var restored = SearchState.FromSnapshot((SearchSnapshot)EventSerializer.FromBytes(EventSerializer.ToBytes(state.ToSnapshot()), "search-snapshot.v1"));
        var again = Take(restored, "10.0.0.2:4053");
        Assert.Equal((child.Id, 2, "10.0.0.1:4053"), (again.Id, again.Attempt, again.ParentNode));
    }

    [Fact]
    public void A_snapshot_written_before_nodes_were_kept_reads_without_them()
    {
        var state = Started();
        var c = Take(state, "n1");
        Apply(state, state.Complete(c.Id, new EvaluationResult(0.5), T0, T0, "n1/slot-0", "n1"));
        var json = System.Text.Encoding.UTF8.GetString(EventSerializer.ToBytes(state.ToSnapshot()));
        Assert.Contains("\"node\":\"n1\"", json, StringComparison.Ordinal);
        var old = json.Replace(",\"node\":\"n1\"", "", StringComparison.Ordinal);
        var snapshot = (SearchSnapshot)EventSerializer.FromBytes(System.Text.Encoding.UTF8.GetBytes(old), "search-snapshot.v1");
        Assert.Null(snapshot.Population[0].Node);
        Assert.Null(SearchState.FromSnapshot(snapshot).Population[0].Node);
    }
}
