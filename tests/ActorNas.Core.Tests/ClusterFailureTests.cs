using ActorNas.Core.Evaluation;
using ActorNas.Core.Events;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;
using ActorNas.Core.Tests.TestSupport;
using Xunit;

namespace ActorNas.Core.Tests;

/// <summary>What the Population decides when a cluster node goes away or a lease runs out.</summary>
public sealed class ClusterFailureTests
{
    private static readonly DateTimeOffset T0 = new(2024, 5, 1, 8, 0, 0, TimeSpan.Zero);

    private static SearchState Started() => StateSteps.Started(new SearchSettings
    {
        Space = new SearchSpaceSpec(Nb201Space.SpaceName), PopulationSize = 10, SampleSize = 2, Budget = 100, Seed = 3,
    }, T0);

    private static void Apply(SearchState state, LeaseBook? leases, IEnumerable<ISearchEvent> events)
    {
        foreach (var e in events)
        {
            state.Apply(e);
            leases?.Apply(e);
        }
    }

    private static Candidate Take(SearchState state, LeaseBook leases, string worker, string node, DateTimeOffset at)
    {
        var a = Assert.IsType<AssignCandidate>(state.Assign(worker, node, at));   // warm-up: random candidates, no mutation
        Apply(state, leases, a.Events);
        return a.Candidate;
    }

    [Fact]
    public void A_downed_node_gives_back_every_candidate_it_held_and_nothing_else()
    {
        var state = Started();
        var leases = new LeaseBook();
        var a1 = Take(state, leases, "127.0.0.1:4001/slot-0", "127.0.0.1:4001", T0);
        var b1 = Take(state, leases, "127.0.0.1:4002/slot-0", "127.0.0.1:4002", T0);
        var a2 = Take(state, leases, "127.0.0.1:4001/slot-1", "127.0.0.1:4001", T0);

        var released = state.ReleaseNode("127.0.0.1:4001", "node downed", T0);
        Assert.Equal(new[] { a1.Id, a2.Id }, released.Cast<CandidateReleased>().Select(r => r.Id));
        Apply(state, leases, released);
        Assert.Equal(1, state.Running);
        Assert.Empty(state.ReleaseNode("127.0.0.1:4001", "again", T0));
        Assert.Equal(1, leases.Count);

        // re-issued under the same id to another node
        var again = Take(state, leases, "127.0.0.1:4002/slot-1", "127.0.0.1:4002", T0);
        Assert.Equal(a1.Id, again.Id);
        Assert.Equal(b1.Id, state.Pending[b1.Id].Id);
    }

    [Fact]
    public void A_late_result_from_the_dead_node_and_the_re_issued_result_are_recorded_once()
    {
        var state = Started();
        var leases = new LeaseBook();
        var c = Take(state, leases, "127.0.0.1:4001/slot-0", "127.0.0.1:4001", T0);
        Apply(state, leases, state.ReleaseNode("127.0.0.1:4001", "node downed", T0));
        Take(state, leases, "127.0.0.1:4002/slot-0", "127.0.0.1:4002", T0);

        var late = state.Complete(c.Id, new EvaluationResult(0.4), T0, T0.AddSeconds(1), "127.0.0.1:4001/slot-0", "127.0.0.1:4001");
        Assert.IsType<CandidateEvaluated>(Assert.Single(late));
        Apply(state, leases, late);
        Assert.Empty(state.Complete(c.Id, new EvaluationResult(0.9), T0, T0.AddSeconds(2), "127.0.0.1:4002/slot-0", "127.0.0.1:4002"));
        Assert.Empty(state.Fail(c.Id, "boom", "127.0.0.1:4002/slot-0", T0));
        Assert.Equal(1, state.Evaluated);
        Assert.Equal(0.4, Assert.Single(state.Population).Objective);
        Assert.Equal(0, leases.Count);
    }

    [Fact]
    public void Leases_expire_after_their_timeout_and_end_with_the_candidate()
    {
        var state = Started();
        var leases = new LeaseBook();
        var old = Take(state, leases, "w0", "n", T0);
        Take(state, leases, "w1", "n", T0.AddMinutes(5));
        Take(state, leases, "w0", "n", T0.AddMinutes(6));

        Assert.Empty(leases.Expired(T0.AddMinutes(10), TimeSpan.FromMinutes(10)));
        Assert.Equal(new[] { "w0" }, leases.Expired(T0.AddMinutes(10).AddSeconds(1), TimeSpan.FromMinutes(10)));
        Assert.Equal(new[] { "w0", "w1" }, leases.Expired(T0.AddMinutes(16), TimeSpan.FromMinutes(10)));

        Apply(state, leases, state.Release("w0", "lease expired", T0.AddMinutes(16)));
        Assert.Equal(new[] { "w1" }, leases.Expired(T0.AddMinutes(16), TimeSpan.FromMinutes(10)));
        Assert.Equal(2, state.Pending.Values.Count(p => !p.IsRunning));
        Assert.True(state.Pending.ContainsKey(old.Id));
    }
}
