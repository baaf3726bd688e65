using ActorNas.Actors.Protocol;
using ActorNas.Core.Events;
using Akka.Actor;
using Xunit;
using Xunit.Abstractions;
using static ActorNas.Actors.Tests.PopulationFixture;

namespace ActorNas.Actors.Tests;

/// <summary>What the Population does with the cluster watcher's messages: a node gone, a node unreachable, a lease run out.</summary>
public sealed class PopulationClusterTests(ITestOutputHelper output) : SqliteTestKit(output)
{
    [Fact]
    public async Task A_node_gone_gives_back_every_candidate_it_held_and_the_view_shows_who_holds_what()
    {
        var a0 = CreateTestProbe();
        var a1 = CreateTestProbe();
        var b0 = CreateTestProbe();
        var population = Start(this, "node-down", Config(budget: 20), CreateTestProbe().Ref);
        var held0 = Request(a0, population, "10.0.0.1:4000/slot-0", "10.0.0.1:4000").Candidate;
        var held1 = Request(a1, population, "10.0.0.1:4000/slot-1", "10.0.0.1:4000").Candidate;
        var other = Request(b0, population, "10.0.0.2:4000/slot-0", "10.0.0.2:4000").Candidate;

        var view = await population.Ask<ClusterView>(GetClusterView.Instance, TimeSpan.FromSeconds(10));
        Assert.Equal(new[] { (held0.Id, "10.0.0.1:4000"), (held1.Id, "10.0.0.1:4000"), (other.Id, "10.0.0.2:4000") },
            view.Slots.Select(s => (s.CandidateId!.Value, s.Node)));

        population.Tell(new ReleaseNode("10.0.0.1:4000", "its node was downed"));
        var status = await population.Ask<SearchStatus>(GetSearchStatus.Instance, TimeSpan.FromSeconds(10));
        Assert.Equal((1, 2), (status.Running, status.Queued));
        var survivor = CreateTestProbe();
        Assert.Equal(held0.Id, Request(survivor, population, "10.0.0.2:4000/slot-1", "10.0.0.2:4000").Candidate.Id);

        var released = (await ReadLogAsync("node-down")).OfType<CandidateReleased>().ToList();
        Assert.Equal(new[] { held0.Id, held1.Id }, released.Select(r => r.Id));
        Assert.All(released, r => Assert.Equal("its node was downed", r.Reason));
    }

    [Fact]
    public void An_unreachable_node_gets_no_work_while_it_waits()
    {
        var busy = CreateTestProbe();
        var waiting = CreateTestProbe();
        var population = Start(this, "unreachable", Config(budget: 2), CreateTestProbe().Ref);
        var first = Request(busy, population, "n1/slot-0", "n1").Candidate;
        Request(CreateTestProbe(), population, "n1/slot-1", "n1");
        population.Tell(new RequestWork("n2/slot-0", "n2"), waiting.Ref);   // the budget is in flight: it waits
        waiting.ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        population.Tell(new NodeUnreachable("n2"));
        population.Tell(new WorkFailed("n1/slot-0", "n1", first.Id, "boom", DateTimeOffset.UtcNow), busy.Ref);
        Assert.Equal(first.Id, busy.ExpectMsg<WorkAssigned>().Candidate.Id);   // the retry goes to a reachable slot
        waiting.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task A_candidate_held_past_its_lease_is_handed_out_again_and_recorded_once()
    {
        var slow = CreateTestProbe();
        var population = Start(this, "lease", Config(budget: 5), CreateTestProbe().Ref);
        var held = Request(slow, population, "n1/slot-0", "n1").Candidate;
        population.Tell(new ReleaseExpiredLeases(TimeSpan.FromHours(1)));
        var status = await population.Ask<SearchStatus>(GetSearchStatus.Instance, TimeSpan.FromSeconds(10));
        Assert.Equal(1, status.Running);   // young lease: kept

        await Task.Delay(300);
        population.Tell(new ReleaseExpiredLeases(TimeSpan.FromMilliseconds(100)));
        var other = CreateTestProbe();
        Assert.Equal(held.Id, Request(other, population, "n2/slot-0", "n2").Candidate.Id);

        // the slow slot's late result counts; the second result for the same candidate changes nothing
        population.Tell(Done("n1/slot-0", held.Id, 0.3), slow.Ref);
        slow.ExpectMsg<WorkAssigned>();
        population.Tell(Done("n2/slot-0", held.Id, 0.8), other.Ref);
        other.ExpectMsg<WorkAssigned>();
        var log = await ReadLogAsync("lease");
        Assert.Contains(log.OfType<CandidateReleased>(), r => r.Id == held.Id && r.Reason.Contains("lease", StringComparison.Ordinal));
        Assert.Equal(0.3, Assert.Single(log.OfType<CandidateEvaluated>(), e => e.Id == held.Id).Objective);
    }
}

public sealed class SnapshotIntervalTests
{
    [Theory]
    [InlineData(999, 1000, 10, false)]
    [InlineData(1000, 1000, 10, true)]       // few in flight: every snapshot-every events
    [InlineData(1000, 1000, 2000, false)]    // 2,000 slots busy: every 8,000 events
    [InlineData(7999, 1000, 2000, false)]
    [InlineData(8000, 1000, 2000, true)]
    public void The_interval_is_snapshot_every_or_four_events_per_candidate_in_flight(int since, int every, int pending, bool due) =>
        Assert.Equal(due, Population.PopulationActor.SnapshotDue(since, every, pending));
}
