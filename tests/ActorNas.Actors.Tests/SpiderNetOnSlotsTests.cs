using ActorNas.Actors.Evaluators;
using ActorNas.Actors.Mutators;
using ActorNas.Actors.Protocol;
using ActorNas.Core;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Events;
using ActorNas.Core.Evolution;
using ActorNas.Core.Growth;
using ActorNas.Core.Spaces;
using ActorNas.Core.Spaces.SpiderNet;
using Akka.Actor;
using Xunit;
using Xunit.Abstractions;

namespace ActorNas.Actors.Tests;

/// <summary>
/// A SpiderNet growth runs on the evaluator slot that waits for the child, on that slot's device, between its
/// evaluations: the Population names the slot, a Mutator asks it for the growth with the candidate's growth seed and
/// proposes what comes back; a slot that cannot grow, or stops, turns into a failed mutation (the Population then
/// trains the network as it is). The grower is a function whose answer is known (libtorch's is tested in
/// ActorNas.Torch.Tests).
/// </summary>
public sealed class SpiderNetOnSlotsTests(ITestOutputHelper output) : SqliteTestKit(output)
{
    private static readonly SpiderNetSpace Space = new(new SpiderNetSpaceSettings(ReductionCells: 1, InitialChannels: 4));

    private static readonly SearchSettings Config = new SearchSettings
    {
        Space = new SearchSpaceSpec(SpiderNetSpace.SpaceName, SpiderNet: Space.Settings),
        Seed = 5,
        Budget = 3,
        Growth = new GrowthSpec(GrowthRule.Random),
    }.WithOneNetwork();

    /// <summary>Splits each cell's first edge: a growth whose answer is known without libtorch.</summary>
    private static Genotype SplitFirstEdges(Genotype parent) =>
        Space.Encode([.. Space.Decode(parent).Select(c => c.Edges.Count == 0 ? c : c.Split(c.Edges.First().Key.From, c.Edges.First().Key.To))]);

    private static string PathOf(IActorRef slot) => Akka.Serialization.Serialization.SerializedActorPath(slot);

    private IActorRef Slot(IActorRef population, IEvaluator evaluator, Grower? grower, int slot = 0) =>
        Sys.ActorOf(EvaluatorActor.Props(population, () => evaluator, new EvaluationContext("spider", Space, 5, $"node/slot-{slot}", "node", slot),
            new SlotLimits(null, false, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(200), TimeSpan.FromMinutes(1), 1), new SlotTrainers(Growth: grower)));

    [Fact]
    public async Task The_Population_has_the_slot_that_waits_for_the_child_grow_the_network_and_records_the_growth()
    {
        var slot = CreateTestProbe();
        var population = PopulationFixture.Start(this, "spider-slots", Config, CreateTestProbe().Ref);
        var first = PopulationFixture.Request(slot, population, "node/slot-0").Candidate;
        Assert.Equal(Space.Origin, first.Genotype);
        population.Tell(PopulationFixture.Done("node/slot-0", first.Id, 0.4), slot.Ref);

        var request = slot.ExpectMsg<GrowNetwork>(TimeSpan.FromSeconds(10));
        Assert.Equal(Space.Origin, request.Parent);
        Assert.Equal(ChildProposer.GrowthSeed(Config, request.CandidateId), request.Seed);
        slot.Reply(new NetworkGrown(request.CandidateId, SplitFirstEdges(request.Parent)));
        var child = slot.ExpectMsg<WorkAssigned>().Candidate;

        Assert.Equal((request.CandidateId, first.Id, SplitFirstEdges(Space.Origin)), (child.Id, child.ParentId, child.Genotype));
        var proposed = Assert.Single((await ReadLogAsync("spider-slots")).OfType<CandidateProposed>(), p => p.Id == child.Id);
        Assert.Equal(SplitFirstEdges(Space.Origin), proposed.Genotype);
        Assert.Null(proposed.Mutation);
    }

    [Fact]
    public void A_slot_grows_after_the_evaluation_it_runs_before_its_queued_candidate_and_on_its_own_device()
    {
        var population = CreateTestProbe();
        var mutator = CreateTestProbe();
        var evaluator = new GatedEvaluator();
        var seen = new List<(int Running, bool QueuedStarted, long Seed, int Slot)>();
        Grower grower = (parent, seed, slot) =>
        {
            lock (seen) seen.Add((Volatile.Read(ref evaluator.Running), evaluator.Started.ContainsKey(8), seed, slot));
            return SplitFirstEdges(parent);
        };
        var slot = Slot(population.Ref, evaluator, grower, slot: 2);
        population.ExpectMsg<RequestWork>();

        slot.Tell(new WorkAssigned(new Candidate(7, null, Space.Origin, 1)), population.Ref);
        AwaitCondition(() => evaluator.Started.ContainsKey(7));
        slot.Tell(new GrowNetwork(20, Space.Origin, 1234), mutator.Ref);
        slot.Tell(new WorkAssigned(new Candidate(8, null, Space.Origin, 1)), population.Ref);
        mutator.ExpectNoMsg(TimeSpan.FromMilliseconds(300));   // never beside the running evaluation

        evaluator.Release.SetResult();
        Assert.Equal(7, population.ExpectMsg<WorkDone>().CandidateId);
        var grown = mutator.ExpectMsg<NetworkGrown>();
        Assert.Equal((20L, SplitFirstEdges(Space.Origin)), (grown.CandidateId, grown.Child));
        Assert.Equal(8, population.ExpectMsg<WorkDone>().CandidateId);
        Assert.Equal([(0, false, 1234L, 2)], seen);
    }

    [Theory]
    [InlineData(false, "has no grower")]
    [InlineData(true, "out of memory")]
    public void A_growth_the_slot_cannot_do_is_answered_as_a_failure_with_the_reason_and_the_slot_goes_on(bool hasGrower, string reason)
    {
        var population = CreateTestProbe();
        var mutator = CreateTestProbe();
        var evaluator = new GatedEvaluator();
        evaluator.Release.SetResult();
        Grower? failing = hasGrower ? (_, _, _) => throw new InvalidOperationException("out of memory") : null;
        var slot = Slot(population.Ref, evaluator, failing);
        population.ExpectMsg<RequestWork>();

        slot.Tell(new GrowNetwork(3, Space.Origin, 1), mutator.Ref);
        var failed = mutator.ExpectMsg<GrowingFailed>();
        Assert.Equal(3, failed.CandidateId);
        Assert.Contains(reason, failed.Reason);
        slot.Tell(new WorkAssigned(new Candidate(4, null, Space.Origin, 1)), population.Ref);
        Assert.Equal(4, population.ExpectMsg<WorkDone>().CandidateId);
    }

    [Fact]
    public void A_slot_that_stops_with_a_growth_queued_tells_the_Mutator_instead_of_leaving_it_waiting()
    {
        var population = CreateTestProbe();
        var mutator = CreateTestProbe();
        var evaluator = new GatedEvaluator();
        var slot = Slot(population.Ref, evaluator, (parent, _, _) => SplitFirstEdges(parent));
        population.ExpectMsg<RequestWork>();
        slot.Tell(new WorkAssigned(new Candidate(7, null, Space.Origin, 1)), population.Ref);
        AwaitCondition(() => evaluator.Started.ContainsKey(7));
        slot.Tell(new GrowNetwork(9, Space.Origin, 1), mutator.Ref);

        slot.Tell(new SearchIsOver("stopped"), population.Ref);
        var failed = mutator.ExpectMsg<GrowingFailed>();
        Assert.Equal(9, failed.CandidateId);
        Assert.Contains("stopped before it finished growing the network of candidate 9", failed.Reason);
    }

    [Fact]
    public void A_Mutator_given_a_slot_asks_it_for_the_growth_with_the_candidates_seed_and_proposes_what_comes_back()
    {
        var population = CreateTestProbe();
        var slot = CreateTestProbe();
        var mutators = Sys.ActorOf(MutatorActor.Props(Config));
        var parent = SplitFirstEdges(Space.Origin);
        mutators.Tell(new MutateParent(9, parent, null, PathOf(slot.Ref)), population.Ref);
        var request = slot.ExpectMsg<GrowNetwork>();
        Assert.Equal((9L, parent, ChildProposer.GrowthSeed(Config, 9)), (request.CandidateId, request.Parent, request.Seed));
        slot.Reply(new NetworkGrown(9, SplitFirstEdges(parent)));

        var grown = population.ExpectMsg<Mutated>();
        Assert.Equal((9L, SplitFirstEdges(parent)), (grown.CandidateId, grown.Child));
        Assert.Null(grown.Mutation);
    }

    [Fact]
    public void A_growth_that_fails_on_the_slot_or_a_slot_that_dies_is_a_failed_mutation_with_the_reason()
    {
        var population = CreateTestProbe();
        var slot = CreateTestProbe();
        var mutators = Sys.ActorOf(MutatorActor.Props(Config));
        mutators.Tell(new MutateParent(3, Space.Origin, null, PathOf(slot.Ref)), population.Ref);
        slot.ExpectMsg<GrowNetwork>();
        slot.Reply(new GrowingFailed(3, "out of memory"));
        Assert.Contains("out of memory", population.ExpectMsg<MutationFailed>().Reason);

        mutators.Tell(new MutateParent(4, Space.Origin, null, PathOf(slot.Ref)), population.Ref);
        slot.ExpectMsg<GrowNetwork>();
        Sys.Stop(slot.Ref);
        var failed = population.ExpectMsg<MutationFailed>();
        Assert.Equal(4, failed.CandidateId);
        Assert.Contains("stopped", failed.Reason);
    }

    [Fact]
    public void A_Mutator_asked_to_grow_without_a_slot_answers_that_it_failed_and_says_why()
    {
        var mutator = Sys.ActorOf(MutatorActor.Props(Config));
        mutator.Tell(new MutateParent(4, Space.Origin), TestActor);
        var failed = ExpectMsg<MutationFailed>();
        Assert.Equal(4, failed.CandidateId);
        Assert.Contains("grower", failed.Reason, StringComparison.Ordinal);
    }
}
