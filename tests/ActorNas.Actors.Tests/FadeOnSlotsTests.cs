using ActorNas.Actors.Evaluators;
using ActorNas.Actors.Mutators;
using ActorNas.Actors.Protocol;
using ActorNas.Core;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;
using ActorNas.Core.Spaces.Hierarchical;
using Akka.Actor;
using ActorNas.Core.Events;
using Xunit;
using Xunit.Abstractions;

namespace ActorNas.Actors.Tests;

/// <summary>
/// FaDE steps train their regions on evaluator slots: the slot that waits for the step's child trains the region between
/// its evaluations, and the Mutator only draws the step and ranks the answer. The region trainer is replaced by a
/// function of the region whose answer is known (libtorch's trainer is tested in ActorNas.Torch.Tests).
/// </summary>
public sealed class FadeOnSlotsTests(ITestOutputHelper output) : SqliteTestKit(output)
{
    private static readonly HierarchicalSpace Space = new();

    private static readonly SearchSettings Config = new()
    {
        Space = new SearchSpaceSpec(HierarchicalSpace.SpaceName, Hierarchical: new HierarchicalSpaceSettings()),
        PopulationSize = 1,
        SampleSize = 1,
        Seed = 11,
        Budget = 3,
        Screening = new Screening(6, ProxyKind.Fade),
    };

    private static readonly ProxyModel Fade = new(ProxyKind.Fade, []);

    /// <summary>Softmax of the edge count per stage: a region's answer known without training.</summary>
    private static IReadOnlyList<IReadOnlyList<double>> EdgeLoving(Region region, long seed, int slot = 0) =>
        [.. Enumerable.Range(0, region.Stages).Select(s =>
        {
            var raw = region.CandidatesAt(s).Select(g => Math.Exp(Space.Catalogue.Graphs[g].EdgeCount)).ToArray();
            return (IReadOnlyList<double>)[.. raw.Select(r => r / raw.Sum())];
        })];

    private static Genotype Centre(long id) => Mutator.RandomGenotype(Space, DeterministicRandom.For(5, id, RandomPurpose.RandomGenotype));

    private static Candidate CandidateOf(long id) => new(id, null, Centre(id), 1);

    private static WeighRegion RequestFor(long id)
    {
        var plan = ChildProposer.FadeStepOf(Config, Space, id, Centre(id));
        return new WeighRegion(id, [.. Enumerable.Range(0, plan.Region.Stages).Select(s => plan.Region.CandidatesAt(s))], plan.TrainingSeed);
    }

    private IActorRef Slot(IActorRef population, IEvaluator evaluator, RegionWeigher? weigher, int lookahead = 1, int slot = 0) =>
        Sys.ActorOf(EvaluatorActor.Props(population, () => evaluator, new EvaluationContext("fade", Space, 11, $"node/slot-{slot}", "node", slot),
            new SlotLimits(null, false, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(200), TimeSpan.FromMinutes(1), lookahead), new SlotTrainers(weigher)));

    [Fact]
    public async Task The_Population_has_the_slot_that_waits_for_a_steps_child_train_the_steps_region()
    {
        var slot = CreateTestProbe();
        var population = PopulationFixture.Start(this, "fade-slots", Config, CreateTestProbe().Ref);
        var warmUp = PopulationFixture.Request(slot, population, "node/slot-0").Candidate;   // the random first centre
        population.Tell(PopulationFixture.Done("node/slot-0", warmUp.Id, 0.4), slot.Ref);

        var request = slot.ExpectMsg<WeighRegion>(TimeSpan.FromSeconds(10));
        var region = new Region(Space, request.Candidates);
        slot.Reply(new RegionWeighed(request.CandidateId, EdgeLoving(region, request.Seed)));
        var child = slot.ExpectMsg<WorkAssigned>().Candidate;

        var local = ChildProposer.ChildOf(Config, Space, child.Id, warmUp.Genotype, Fade, weigher: (region, seed, at) => EdgeLoving(region, seed, at));
        Assert.Equal((request.CandidateId, warmUp.Id, local.Child), (child.Id, child.ParentId, child.Genotype));
        var proposed = Assert.Single((await ReadLogAsync("fade-slots")).OfType<CandidateProposed>(), p => p.Id == child.Id);
        Assert.Equal(local.Screened!.Scores, proposed.Screened!.Scores);
        Assert.Equal(region.Stages, proposed.Screened.Weights!.Count);
    }

    [Fact]
    public void A_slot_trains_a_region_after_the_evaluation_it_runs_and_before_its_queued_candidates()
    {
        var population = CreateTestProbe();
        var mutator = CreateTestProbe();
        var evaluator = new GatedEvaluator();
        var seenAtTraining = new List<(int Running, bool QueuedStarted, int Slot)>();
        RegionWeigher weigher = (region, seed, at) =>
        {
            lock (seenAtTraining) seenAtTraining.Add((Volatile.Read(ref evaluator.Running), evaluator.Started.ContainsKey(8), at));
            return EdgeLoving(region, seed, at);
        };
        var slot = Slot(population.Ref, evaluator, weigher, slot: 3);
        population.ExpectMsg<RequestWork>();

        slot.Tell(new WorkAssigned(CandidateOf(7)), population.Ref);
        AwaitCondition(() => evaluator.Started.ContainsKey(7));
        var request = RequestFor(20);
        slot.Tell(request, mutator.Ref);
        slot.Tell(new WorkAssigned(CandidateOf(8)), population.Ref);
        mutator.ExpectNoMsg(TimeSpan.FromMilliseconds(300));   // never beside the running evaluation

        evaluator.Release.SetResult();
        Assert.Equal(7, population.ExpectMsg<WorkDone>().CandidateId);
        var weighed = mutator.ExpectMsg<RegionWeighed>();
        Assert.Equal(20, weighed.CandidateId);
        var expected = EdgeLoving(new Region(Space, request.Candidates), request.Seed);
        Assert.Equal(expected.Select(w => w.ToArray()), weighed.Weights.Select(w => w.ToArray()));
        Assert.Equal(8, population.ExpectMsg<WorkDone>().CandidateId);
        // nothing evaluating, the queued candidate not started, and on this slot's own device
        Assert.Equal([(0, false, 3)], seenAtTraining);
    }

    [Theory]
    [InlineData(false, "no region trainer")]
    [InlineData(true, "out of memory")]
    public void A_region_the_slot_cannot_train_is_answered_as_a_failure_with_the_reason_and_the_slot_goes_on(bool hasTrainer, string reason)
    {
        var population = CreateTestProbe();
        var mutator = CreateTestProbe();
        var evaluator = new GatedEvaluator();
        evaluator.Release.SetResult();
        RegionWeigher? failing = hasTrainer ? (_, _, _) => throw new InvalidOperationException("out of memory") : null;
        var slot = Slot(population.Ref, evaluator, failing);
        population.ExpectMsg<RequestWork>();

        slot.Tell(RequestFor(3), mutator.Ref);
        Assert.Contains(reason, mutator.ExpectMsg<RegionWeighingFailed>().Reason);
        slot.Tell(new WorkAssigned(CandidateOf(4)), population.Ref);
        Assert.Equal(4, population.ExpectMsg<WorkDone>().CandidateId);
    }

    [Fact]
    public void A_slot_that_stops_with_a_region_queued_tells_the_Mutator_instead_of_leaving_it_waiting()
    {
        var population = CreateTestProbe();
        var mutator = CreateTestProbe();
        var evaluator = new GatedEvaluator();
        var slot = Slot(population.Ref, evaluator, (region, seed, at) => EdgeLoving(region, seed, at));
        population.ExpectMsg<RequestWork>();
        slot.Tell(new WorkAssigned(CandidateOf(7)), population.Ref);
        AwaitCondition(() => evaluator.Started.ContainsKey(7));
        slot.Tell(RequestFor(9), mutator.Ref);

        slot.Tell(new SearchIsOver("stopped"), population.Ref);
        var failed = mutator.ExpectMsg<RegionWeighingFailed>();
        Assert.Equal(9, failed.CandidateId);
        Assert.Contains("stopped before it finished training the FaDE region of candidate 9", failed.Reason);
    }

    [Fact]
    public void A_Mutator_given_a_trainer_slot_has_the_region_trained_there_and_proposes_what_a_local_step_would()
    {
        var population = CreateTestProbe();
        var trainer = CreateTestProbe();
        var mutators = Sys.ActorOf(MutatorActor.Props(Config));   // no trainer of its own
        for (long id = 1; id <= 5; id++)
        {
            var centre = Centre(id);
            mutators.Tell(new MutateParent(id, centre, Fade, Akka.Serialization.Serialization.SerializedActorPath(trainer.Ref)), population.Ref);
            var request = trainer.ExpectMsg<WeighRegion>();
            Assert.Equal(RequestFor(id), request, new WeighRegionComparer());
            trainer.Reply(new RegionWeighed(id, EdgeLoving(new Region(Space, request.Candidates), request.Seed)));

            var mutated = population.ExpectMsg<Mutated>();
            var local = ChildProposer.ChildOf(Config, Space, id, centre, Fade, weigher: (region, seed, at) => EdgeLoving(region, seed, at));
            Assert.Equal(id, mutated.CandidateId);
            Assert.Equal(local.Child, mutated.Child);
            Assert.Equal(local.Mutation, mutated.Mutation);
            Assert.Equal(local.Screened!.Scores, mutated.Screened!.Scores);
            Assert.Equal(local.Screened.Mutants, mutated.Screened.Mutants);
        }
    }

    [Fact]
    public void A_trainer_slot_that_dies_turns_the_step_into_a_failed_mutation_not_a_wait()
    {
        var population = CreateTestProbe();
        var trainer = CreateTestProbe();
        var mutators = Sys.ActorOf(MutatorActor.Props(Config));
        mutators.Tell(new MutateParent(3, Centre(3), Fade, Akka.Serialization.Serialization.SerializedActorPath(trainer.Ref)), population.Ref);
        trainer.ExpectMsg<WeighRegion>();
        Sys.Stop(trainer.Ref);
        var failed = population.ExpectMsg<MutationFailed>();
        Assert.Equal(3, failed.CandidateId);
        Assert.Contains("stopped", failed.Reason);
    }

    [Fact]
    public void Weights_of_the_wrong_shape_are_a_failed_mutation_with_the_reason()
    {
        var population = CreateTestProbe();
        var trainer = CreateTestProbe();
        var mutators = Sys.ActorOf(MutatorActor.Props(Config));
        mutators.Tell(new MutateParent(3, Centre(3), Fade, Akka.Serialization.Serialization.SerializedActorPath(trainer.Ref)), population.Ref);
        trainer.ExpectMsg<WeighRegion>();
        trainer.Reply(new RegionWeighed(3, [[1.0]]));
        Assert.Contains("unusable", population.ExpectMsg<MutationFailed>().Reason);
    }

    /// <summary>Requests compare by value, the candidate lists element by element.</summary>
    private sealed class WeighRegionComparer : IEqualityComparer<WeighRegion>
    {
        public bool Equals(WeighRegion? a, WeighRegion? b) =>
            a is not null && b is not null && a.CandidateId == b.CandidateId && a.Seed == b.Seed
            && a.Candidates.Count == b.Candidates.Count && a.Candidates.Zip(b.Candidates, (x, y) => x.SequenceEqual(y)).All(same => same);

        public int GetHashCode(WeighRegion r) => HashCode.Combine(r.CandidateId, r.Seed);
    }
}
