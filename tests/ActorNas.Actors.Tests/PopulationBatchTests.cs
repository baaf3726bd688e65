using ActorNas.Actors.Protocol;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Events;
using Akka.Actor;
using Akka.TestKit;
using Xunit;
using Xunit.Abstractions;
using static ActorNas.Actors.Tests.PopulationFixture;

namespace ActorNas.Actors.Tests;

/// <summary>
/// A worker node's WorkBroker speaks for many slots in one message. Each slot must stay its own worker: its own
/// candidate, its own lease and line in the cluster view, its results recorded under its name.
/// </summary>
public sealed class PopulationBatchTests(ITestOutputHelper output) : SqliteTestKit(output)
{
    private const string Node = "10.0.0.1:4000";

    private static string Slot(int i) => $"{Node}/slot-{i}";

    /// <summary>Reads answers until every one of <paramref name="workers"/> has one (they may come in several messages).</summary>
    private static Dictionary<string, SlotAnswer> AnswersFor(TestProbe broker, params string[] workers)
    {
        var answers = new Dictionary<string, SlotAnswer>();
        while (!workers.All(answers.ContainsKey))
            foreach (var a in broker.ExpectMsg<WorkAnswers>(TimeSpan.FromSeconds(20)).Answers)
                Assert.True(answers.TryAdd(a.Worker, a), $"{a.Worker} was answered twice");
        Assert.Equal(workers.Order(), answers.Keys.Order());
        return answers;
    }

    [Fact]
    public async Task Each_slot_behind_a_broker_gets_its_own_candidate_and_its_results_are_recorded_under_its_name()
    {
        var broker = CreateTestProbe();
        var population = Start(this, "batched", Config(budget: 20), CreateTestProbe().Ref);

        population.Tell(new WorkReports([new RequestWork(Slot(0), Node), new RequestWork(Slot(1), Node), new RequestWork(Slot(2), Node)]), broker.Ref);
        var first = AnswersFor(broker, Slot(0), Slot(1), Slot(2)).ToDictionary(kv => kv.Key, kv => kv.Value.Candidate!);
        Assert.Equal(3, first.Values.Select(c => c.Id).Distinct().Count());

        var view = await population.Ask<ClusterView>(GetClusterView.Instance, TimeSpan.FromSeconds(10));
        Assert.Equal(new[] { (Slot(0), first[Slot(0)].Id), (Slot(1), first[Slot(1)].Id), (Slot(2), first[Slot(2)].Id) },
            view.Slots.Select(s => (s.Worker, s.CandidateId!.Value)));

        var at = DateTimeOffset.UtcNow;
        population.Tell(new WorkReports([
            new WorkDone(Slot(1), Node, first[Slot(1)].Id, new EvaluationResult(0.7), at, at),
            new WorkFailed(Slot(2), Node, first[Slot(2)].Id, "boom", at),
        ]), broker.Ref);
        var second = AnswersFor(broker, Slot(1), Slot(2));
        Assert.NotEqual(first[Slot(1)].Id, second[Slot(1)].Candidate!.Id);
        Assert.Equal(first[Slot(2)].Id, second[Slot(2)].Candidate!.Id);   // the retry of the failed one comes first

        var log = await ReadLogAsync("batched");
        var evaluated = Assert.Single(log.OfType<CandidateEvaluated>());
        Assert.Equal((first[Slot(1)].Id, Slot(1), Node, 0.7), (evaluated.Id, evaluated.Worker, evaluated.Node, evaluated.Objective));
        Assert.Equal(Slot(2), Assert.Single(log.OfType<CandidateFailed>()).Worker);
    }

    [Fact]
    public async Task A_broker_that_stops_gives_back_the_candidates_of_all_its_slots_and_only_those()
    {
        var broker = CreateTestProbe();
        var other = CreateTestProbe();
        var population = Start(this, "broker-gone", Config(budget: 20), CreateTestProbe().Ref);
        population.Tell(new WorkReports([new RequestWork(Slot(0), Node), new RequestWork(Slot(1), Node)]), broker.Ref);
        var held = AnswersFor(broker, Slot(0), Slot(1)).Values.Select(a => a.Candidate!.Id).Order().ToList();
        var kept = Request(other, population, "10.0.0.2:4000/slot-0", "10.0.0.2:4000").Candidate;

        Sys.Stop(broker.Ref);
        await AwaitAssertAsync(async () =>
        {
            var released = (await ReadLogAsync("broker-gone")).OfType<CandidateReleased>().ToList();
            Assert.Equal(held, released.Select(r => r.Id).Order());
            Assert.All(released, r => Assert.Equal("its worker stopped", r.Reason));
        }, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(200));

        var view = await population.Ask<ClusterView>(GetClusterView.Instance, TimeSpan.FromSeconds(10));
        var slot = Assert.Single(view.Slots);
        Assert.Equal(("10.0.0.2:4000/slot-0", kept.Id), (slot.Worker, slot.CandidateId!.Value));
    }

    [Fact]
    public void Slots_waiting_behind_a_broker_hear_that_the_search_is_over()
    {
        var broker = CreateTestProbe();
        var population = Start(this, "batched-over", Config(budget: 2), CreateTestProbe().Ref);
        population.Tell(new WorkReports([new RequestWork(Slot(0), Node), new RequestWork(Slot(1), Node), new RequestWork(Slot(2), Node)]), broker.Ref);
        var first = AnswersFor(broker, Slot(0), Slot(1));   // the budget: two candidates; the third slot waits
        var at = DateTimeOffset.UtcNow;
        population.Tell(new WorkReports([
            new WorkDone(Slot(0), Node, first[Slot(0)].Candidate!.Id, new EvaluationResult(0.1), at, at),
            new WorkDone(Slot(1), Node, first[Slot(1)].Candidate!.Id, new EvaluationResult(0.2), at, at),
        ]), broker.Ref);
        var over = AnswersFor(broker, Slot(0), Slot(1), Slot(2));
        Assert.All(over.Values, a => Assert.Null(a.Candidate));
        Assert.All(over.Values, a => Assert.False(string.IsNullOrEmpty(a.SearchOver)));
    }
}
