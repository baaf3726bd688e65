using ActorNas.Core.Evaluation;
using ActorNas.Core.Events;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;
using ActorNas.Core.Tests.TestSupport;
using CsCheck;
using Xunit;

namespace ActorNas.Core.Tests;

/// <summary>
/// Pipelined hand-out: a worker asks with a capacity (the candidate it evaluates plus its lookahead), never holds more,
/// and what is still pending when the budget is reached is cancelled in the log; replay gives the live state.
/// </summary>
public sealed class LookaheadPropertyTests
{
    private static readonly DateTimeOffset T0 = new(2024, 6, 1, 9, 0, 0, TimeSpan.Zero);

    private static Gen<Scenario> WithLookahead() => Scenarios.Any().Select(Gen.Int[2, 4], (s, held) => s with { MaxHeld = held });

    [Fact]
    public void With_lookahead_L_no_worker_ever_holds_more_than_L_plus_1_candidates_and_batch_mode_holds_one()
    {
        var coverage = new Coverage();
        WithLookahead().Sample(s =>
        {
            var run = SearchRun.Execute(s);
            var capacity = s.Config.Mode == SchedulingMode.Batch ? 1 : s.MaxHeld;
            var replay = new SearchState();
            foreach (var e in run.Log)
            {
                replay.Apply(e);
                var most = replay.Pending.Values.Where(p => p.IsRunning).GroupBy(p => p.Worker).Select(g => g.Count()).DefaultIfEmpty().Max();
                Assert.True(most <= capacity, $"a worker holds {most} candidates, capacity {capacity}, after {e}");
                if (most == capacity && capacity > 1) coverage.Hit("a worker full with lookahead");
            }
        }, iter: 150);
        coverage.Require("a worker full with lookahead");
    }

    [Fact]
    public void The_budget_reached_with_candidates_still_pending_cancels_each_of_them_once_in_the_same_decision()
    {
        var coverage = new Coverage();
        WithLookahead().Sample(s =>
        {
            var run = SearchRun.Execute(s);
            var cancelled = run.Log.OfType<CandidateCancelled>().ToList();
            if (run.State.CompletionReason != "budget")
            {
                Assert.Empty(cancelled);
                return;
            }
            Assert.Equal(s.Config.Budget, run.State.Evaluated);
            Assert.Empty(run.State.Pending);
            Assert.Equal(cancelled.Count, cancelled.Select(c => c.Id).Distinct().Count());
            // the cancellations sit between the last result and the completion, nothing after them
            var last = run.Log.FindLastIndex(e => e is CandidateEvaluated);
            Assert.All(cancelled, c => Assert.True(run.Log.IndexOf(c) > last));
            Assert.All(cancelled, c => Assert.Equal(SearchState.BudgetReachedReason, c.Reason));
            Assert.IsType<SearchCompleted>(run.Log[^1]);
            var replayed = SearchState.Replay(run.Log.Select(LogCodec.RoundTrip));
            Assert.True(replayed.SameAs(run.State));
            if (cancelled.Count > 0) coverage.Hit("cancelled");
        }, iter: 150);
        coverage.Require("cancelled");
    }

    [Fact]
    public void Replay_of_a_log_written_with_lookahead_gives_the_live_state_after_every_event() =>
        WithLookahead().Sample(s =>
        {
            var run = SearchRun.Execute(s);
            var replayed = new SearchState();
            for (var i = 0; i < run.Log.Count; i++)
            {
                replayed.Apply(LogCodec.RoundTrip(run.Log[i]));
                Assert.True(replayed.ToSnapshot().Equivalent(run.Trace[i].After), $"replay differs after event {i}: {run.Log[i]}");
            }
        }, iter: 100);

    [Fact]
    public void A_worker_gets_its_lookahead_while_it_evaluates_and_a_full_worker_gets_nothing_more()
    {
        var config = new SearchSettings { Space = new SearchSpaceSpec(Nb201Space.SpaceName), PopulationSize = 4, SampleSize = 2, Budget = 10, Seed = 3 };
        var state = StateSteps.Started(config, T0);
        var first = Assert.IsType<AssignCandidate>(state.Decide(new AssignWork("w0", "n0", T0, Capacity: 2)));
        StateSteps.Apply(state, first.Events);
        var second = Assert.IsType<AssignCandidate>(state.Decide(new AssignWork("w0", "n0", T0, Capacity: 2)));
        StateSteps.Apply(state, second.Events);
        Assert.Equal(2, state.Holding("w0"));
        Assert.Equal(1, state.Holders);
        Assert.Equal(new SlotFull("w0", 2), state.Decide(new AssignWork("w0", "n0", T0, Capacity: 2)));

        // the first result frees a place: the worker is refilled while it evaluates the second
        StateSteps.Apply(state, state.Decide(new RecordResult(first.Candidate.Id, new EvaluationResult(0.5), T0, T0, "w0", "n0")).Events);
        Assert.Equal(1, state.Holding("w0"));
        Assert.IsType<AssignCandidate>(state.Decide(new AssignWork("w0", "n0", T0, Capacity: 2)));
    }

    [Fact]
    public void HasRoom_is_the_rule_of_SlotFull_and_a_batch_slot_holds_one_whatever_its_lookahead()
    {
        foreach (var mode in new[] { SchedulingMode.Continuous, SchedulingMode.Batch })
        {
            var config = new SearchSettings { Space = new SearchSpaceSpec(Nb201Space.SpaceName), PopulationSize = 4, SampleSize = 2, Budget = 10, Seed = 3, Mode = mode };
            var state = StateSteps.Started(config, T0);
            var held = 0;
            while (state.HasRoom("w0", 3))
            {
                StateSteps.Apply(state, Assert.IsType<AssignCandidate>(state.Decide(new AssignWork("w0", "n0", T0, Capacity: 3))).Events);
                held++;
            }
            Assert.Equal(mode == SchedulingMode.Batch ? 1 : 3, held);
            Assert.IsType<SlotFull>(state.Decide(new AssignWork("w0", "n0", T0, Capacity: 3)));
        }
    }

    [Fact]
    public void A_report_releases_what_a_slot_without_lookahead_still_holds_and_leaves_a_lookahead_slot_its_queue()
    {
        Assert.Equal(new ReleaseWorker("w0", "its worker asked for new work", T0), ReleaseWorker.AfterReport("w0", 1, T0));
        Assert.Null(ReleaseWorker.AfterReport("w0", 2, T0));
    }

    [Fact]
    public void In_continuous_mode_a_worker_counts_once_against_the_budget_and_its_queued_lookahead_is_cancelled_at_the_budget()
    {
        var config = new SearchSettings { Space = new SearchSpaceSpec(Nb201Space.SpaceName), PopulationSize = 5, SampleSize = 2, Budget = 3, Seed = 3 };
        var state = StateSteps.Started(config, T0);
        var held = new List<long>();
        foreach (var worker in new[] { "w0", "w0", "w1", "w1", "w2" })
        {
            var a = Assert.IsType<AssignCandidate>(state.Decide(new AssignWork(worker, "n0", T0, Capacity: 2)));
            StateSteps.Apply(state, a.Events);
            held.Add(a.Candidate.Id);
        }
        // three workers evaluate the three candidates the budget still needs: no more lookahead, and a fourth worker waits
        Assert.Equal(3, state.Holders);
        Assert.IsType<NoWorkNow>(state.Decide(new AssignWork("w2", "n0", T0, Capacity: 2)));
        Assert.IsType<NoWorkNow>(state.Decide(new AssignWork("w3", "n0", T0, Capacity: 2)));
        StateSteps.Apply(state, state.Decide(new RecordResult(held[0], new EvaluationResult(0.5), T0, T0, "w0", "n0")).Events);
        StateSteps.Apply(state, state.Decide(new RecordResult(held[2], new EvaluationResult(0.4), T0, T0, "w1", "n0")).Events);
        var last = state.Decide(new RecordResult(held[4], new EvaluationResult(0.6), T0, T0, "w2", "n0"));
        Assert.Equal(
            [typeof(CandidateEvaluated), typeof(CandidateCancelled), typeof(CandidateCancelled), typeof(SearchCompleted)],
            last.Events.Select(e => e.GetType()));
        Assert.Equal([held[1], held[3]], last.Events.OfType<CandidateCancelled>().Select(c => c.Id));
        StateSteps.Apply(state, last.Events);
        Assert.Equal(3, state.Evaluated);
        Assert.Empty(state.Pending);
    }

    [Fact]
    public void A_pause_hands_out_no_lookahead_a_released_worker_gives_back_its_queue_and_a_stop_cancels_nothing()
    {
        var config = new SearchSettings { Space = new SearchSpaceSpec(Nb201Space.SpaceName), PopulationSize = 4, SampleSize = 2, Budget = 10, Seed = 5 };
        var state = StateSteps.Started(config, T0);
        var held = new List<long>();
        for (var i = 0; i < 2; i++)
        {
            var a = Assert.IsType<AssignCandidate>(state.Decide(new AssignWork("w0", "n0", T0, Capacity: 3)));
            StateSteps.Apply(state, a.Events);
            held.Add(a.Candidate.Id);
        }
        StateSteps.Apply(state, state.Decide(new PauseWork("maintenance", T0)).Events);
        Assert.Equal("the search is paused", Assert.IsType<NoWorkNow>(state.Decide(new AssignWork("w0", "n0", T0, Capacity: 3))).Reason);
        StateSteps.Apply(state, state.Decide(new ResumeWork(T0)).Events);

        var release = state.Decide(new ReleaseWorker("w0", "its worker stopped", T0));
        Assert.Equal(held, release.Events.OfType<CandidateReleased>().Select(r => r.Id));
        StateSteps.Apply(state, release.Events);
        Assert.Equal(0, state.Holding("w0"));

        // the released candidates go to the next worker first, again up to its capacity
        var again = Assert.IsType<AssignCandidate>(state.Decide(new AssignWork("w1", "n0", T0, Capacity: 2)));
        StateSteps.Apply(state, again.Events);
        Assert.Equal(held[0], again.Candidate.Id);
        var stop = state.Decide(new EndSearch("the owner stopped it", T0));
        Assert.IsType<SearchCompleted>(Assert.Single(stop.Events));
    }

    [Fact]
    public void A_lease_runs_from_when_the_worker_began_its_current_candidate_not_from_when_its_lookahead_was_handed_out()
    {
        var leases = new LeaseBook();
        leases.Apply(new CandidateStarted(1, "w0", "n0", 1, T0));
        leases.Apply(new CandidateStarted(2, "w0", "n0", 1, T0.AddSeconds(1)));   // lookahead, queued behind 1
        Assert.Equal(["w0"], leases.Expired(T0.AddSeconds(11), TimeSpan.FromSeconds(10)));
        leases.Apply(new CandidateEvaluated(1, 0.5, null, T0, T0.AddSeconds(9), "w0", "n0"));
        // candidate 2 began when 1 ended (second 9), not when it was handed out (second 1)
        Assert.Empty(leases.Expired(T0.AddSeconds(18), TimeSpan.FromSeconds(10)));
        Assert.Equal(["w0"], leases.Expired(T0.AddSeconds(20), TimeSpan.FromSeconds(10)));
        leases.Apply(new CandidateCancelled(2, SearchState.BudgetReachedReason, T0.AddSeconds(20)));
        Assert.Equal(0, leases.Count);
    }
}
