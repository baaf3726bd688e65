using ActorNas.Actors.Configuration;
using ActorNas.Actors.Evaluators;
using ActorNas.Actors.Protocol;
using ActorNas.Actors.Search;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Events;
using ActorNas.Core.Evolution;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Xunit;
using Xunit.Abstractions;
using static ActorNas.Actors.Tests.PopulationFixture;

namespace ActorNas.Actors.Tests;

/// <summary>
/// Pipelined hand-out (actornas.evaluator.lookahead): a slot holds its lookahead beyond the candidate it evaluates,
/// each persisted before it is sent; a report refills it; death and the budget treat the queue like the running one.
/// </summary>
public sealed class LookaheadTests(ITestOutputHelper output) : SqliteTestKit(output)
{
    /// <summary>Receives a candidate and checks that its start was in the journal before it arrived.</summary>
    private async Task<Candidate> ReceivePersisted(TestProbe slot, string searchId)
    {
        var candidate = slot.ExpectMsg<WorkAssigned>().Candidate;
        var started = (await ReadLogAsync(searchId)).OfType<CandidateStarted>().Where(s => s.Id == candidate.Id).ToList();
        Assert.NotEmpty(started);
        return candidate;
    }

    private static WorkDone Done(string worker, long id, double objective, int capacity) =>
        new(worker, "test-node", id, new EvaluationResult(objective), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, capacity);

    [Fact]
    public async Task A_slot_gets_its_lookahead_persisted_before_it_is_sent_and_never_more_than_capacity()
    {
        var slot = CreateTestProbe();
        var population = Start(this, "lookahead", Config(population: 3, budget: 20), CreateTestProbe().Ref);
        population.Tell(new RequestWork("w0", "test-node", Capacity: 2), slot.Ref);
        var first = await ReceivePersisted(slot, "lookahead");
        var second = await ReceivePersisted(slot, "lookahead");
        slot.ExpectNoMsg(TimeSpan.FromMilliseconds(300));   // full: one evaluating, one queued

        // the slot starts the second and reports the first: it keeps the second and gets one more, once mutated
        population.Tell(Done("w0", first.Id, 0.3, capacity: 2), slot.Ref);
        var third = await ReceivePersisted(slot, "lookahead");
        slot.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.NotEqual(second.Id, third.Id);

        var log = await ReadLogAsync("lookahead");
        Assert.DoesNotContain(log, e => e is CandidateReleased);
        var state = SearchState.Replay(log);
        Assert.Equal(2, state.Holding("w0"));
        Assert.Equal([second.Id, third.Id], state.Pending.Values.Where(p => p.Worker == "w0").Select(p => p.Id).Order());
    }

    [Fact]
    public async Task A_slot_that_dies_gives_back_its_queued_candidate_with_the_running_one()
    {
        var doomed = CreateTestProbe();
        var population = Start(this, "lookahead-death", Config(budget: 10), CreateTestProbe().Ref);
        population.Tell(new RequestWork("doomed", "test-node", Capacity: 2), doomed.Ref);
        var held = new[] { doomed.ExpectMsg<WorkAssigned>().Candidate.Id, doomed.ExpectMsg<WorkAssigned>().Candidate.Id };
        Sys.Stop(doomed.Ref);

        await AwaitAssertAsync(async () =>
        {
            var status = await population.Ask<SearchStatus>(GetSearchStatus.Instance, TimeSpan.FromSeconds(5));
            Assert.Equal(2, status.Queued);
        }, TimeSpan.FromSeconds(15));
        var released = (await ReadLogAsync("lookahead-death")).OfType<CandidateReleased>().Select(r => r.Id).Order();
        Assert.Equal(held.Order(), released);
    }

    [Fact]
    public async Task The_budget_reached_while_slots_hold_queued_candidates_cancels_them_in_the_log()
    {
        var listener = CreateTestProbe();
        var a = CreateTestProbe();
        var b = CreateTestProbe();
        var population = Start(this, "lookahead-budget", Config(population: 4, budget: 3), listener.Ref);
        population.Tell(new RequestWork("a", "test-node", Capacity: 2), a.Ref);
        var a1 = a.ExpectMsg<WorkAssigned>().Candidate;
        var a2 = a.ExpectMsg<WorkAssigned>().Candidate;
        population.Tell(new RequestWork("b", "test-node", Capacity: 2), b.Ref);
        var b1 = b.ExpectMsg<WorkAssigned>().Candidate;
        var b2 = b.ExpectMsg<WorkAssigned>().Candidate;   // a and b evaluate two of the three needed: b gets its lookahead too

        population.Tell(Done("a", a1.Id, 0.1, capacity: 2), a.Ref);   // a starts a2: a2 and b1 cover the rest of the budget
        a.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        population.Tell(Done("b", b1.Id, 0.2, capacity: 2), b.Ref);
        b.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        population.Tell(Done("b", b2.Id, 0.3, capacity: 2), b.Ref);   // the third result: a2 is still running at a
        listener.ExpectMsg<SearchEnded>(e => Assert.Equal(3, e.Status.Evaluated));

        var log = await ReadLogAsync("lookahead-budget");
        var cancelled = Assert.Single(log.OfType<CandidateCancelled>());
        Assert.Equal(a2.Id, cancelled.Id);
        Assert.IsType<SearchCompleted>(log[^1]);
        var replayed = SearchState.Replay(log);
        Assert.Equal(3, replayed.Evaluated);
        Assert.Empty(replayed.Pending);
        // a late result of the cancelled candidate changes nothing
        population.Tell(Done("a", a2.Id, 0.9, capacity: 2), a.Ref);
        a.ExpectMsg<SearchIsOver>();
        Assert.Equal(3, SearchState.Replay(await ReadLogAsync("lookahead-budget")).Evaluated);
    }

    [Fact]
    public async Task Real_slots_with_lookahead_run_a_search_to_its_exact_budget_and_the_log_replays_to_the_live_state()
    {
        var settings = ActorNasSettings.From(ActorNasConfig.Combine(ConfigurationFactory.ParseString("""
            actornas.search { budget = 150, population-size = 10, sample-size = 3 }
            actornas.evaluator { workers = 6, lookahead = 2, synthetic { duration = lognormal, mean = 3ms, failure-rate = 0.05 } }
            """)));
        Assert.Equal(2, settings.Evaluator.Lookahead);
        var session = SearchSession.Start(Sys, new SearchSessionOptions("lookahead-session", settings.Search, true, settings,
            _ => new SyntheticEvaluator(settings.Evaluator.Synthetic), "node"));
        var outcome = await session.Completion.WaitAsync(TimeSpan.FromSeconds(60));
        await session.DisposeAsync();

        Assert.True(outcome.Completed, outcome.Error);
        var log = await ReadLogAsync("lookahead-session");
        var replayed = SearchState.Replay(log);
        Assert.Equal(150, replayed.Evaluated);
        Assert.Equal(outcome.Status!.Best, replayed.Best);
        var evaluated = log.OfType<CandidateEvaluated>().Select(e => e.Id).ToList();
        Assert.Equal(evaluated.Count, evaluated.Distinct().Count());
        // no slot ever held more than 1 + lookahead, and some held that many
        var state = new SearchState();
        var most = 0;
        foreach (var e in log)
        {
            state.Apply(e);
            foreach (var w in state.Pending.Values.Where(p => p.IsRunning).GroupBy(p => p.Worker))
                most = Math.Max(most, w.Count());
        }
        Assert.Equal(3, most);
    }
}
