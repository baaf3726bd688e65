using ActorNas.Core.Evaluation;
using ActorNas.Core.Events;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;
using ActorNas.Core.Tests.TestSupport;
using Xunit;

namespace ActorNas.Core.Tests;

/// <summary>The one decision entry: each command's events and next step, and why a command is rejected.</summary>
public sealed class DecideTests
{
    private static readonly DateTimeOffset T0 = new(2024, 6, 1, 9, 0, 0, TimeSpan.Zero);

    private static SearchSettings Config(int budget = 10) =>
        new() { Space = new SearchSpaceSpec(Nb201Space.SpaceName), PopulationSize = 2, SampleSize = 2, Budget = budget, Seed = 7 };

    private static void Apply(SearchState state, Decision decision) => StateSteps.Apply(state, decision.Events);

    /// <summary>A started search whose population is full, so the next request needs a mutation.</summary>
    private static SearchState Warm(int budget = 10)
    {
        var state = StateSteps.Started(Config(budget), T0);
        for (var i = 0; i < 2; i++)
        {
            var c = StateSteps.Take(state, "w0", "n0", T0);
            Apply(state, state.Decide(new RecordResult(c.Id, new EvaluationResult(0.1 * (i + 1)), T0, T0, "w0", "n0")));
        }
        return state;
    }

    [Fact]
    public void StartSearch_gives_the_started_event_once()
    {
        var state = new SearchState();
        var decision = Assert.IsType<Accepted>(state.Decide(new StartSearch(Config(), T0)));
        Assert.Equal(Config(), Assert.IsType<SearchStarted>(Assert.Single(decision.Events)).Config);
        Apply(state, decision);
        Assert.Throws<InvalidOperationException>(() => state.Decide(new StartSearch(Config(), T0)));
    }

    [Fact]
    public void AssignWork_in_warm_up_proposes_and_starts_a_random_candidate()
    {
        var state = StateSteps.Started(Config(), T0);
        var assign = Assert.IsType<AssignCandidate>(state.Decide(new AssignWork("w0", "n0", T0)));
        Assert.Collection(assign.Events,
            e => Assert.Equal((1L, (long?)null), (Assert.IsType<CandidateProposed>(e).Id, ((CandidateProposed)e).ParentId)),
            e => Assert.Equal((1L, "w0", "n0", 1), (Assert.IsType<CandidateStarted>(e).Id, ((CandidateStarted)e).Worker,
                ((CandidateStarted)e).Node, ((CandidateStarted)e).Attempt)));
        Assert.Equal(1, assign.Candidate.Id);
    }

    [Fact]
    public void AssignWork_after_warm_up_reserves_a_parent_and_persists_nothing()
    {
        var state = Warm();
        var need = Assert.IsType<MutationNeeded>(state.Decide(new AssignWork("w1", "n1", T0)));
        Assert.Empty(need.Events);
        Assert.Equal((3L, "w1", "n1"), (need.Reservation.Id, need.Reservation.Worker, need.Reservation.Node));
        Assert.Equal(2, need.Reservation.ParentId);   // both members drawn, the better wins
        Assert.Single(state.Reservations);
    }

    [Fact]
    public void ProposeChild_turns_a_reservation_into_the_proposal_and_start_events_once()
    {
        var state = Warm();
        var r = Assert.IsType<MutationNeeded>(state.Decide(new AssignWork("w1", "n1", T0))).Reservation;
        var child = new ChildProposal(new Genotype([1, 1, 1, 1, 1, 1]), new Mutation(0, 0, 1), null);
        var assign = Assert.IsType<AssignCandidate>(state.Decide(new ProposeChild(r.Id, T0, child)));
        Assert.Collection(assign.Events,
            e => Assert.Equal((r.Id, (long?)r.ParentId, child.Child, (Mutation?)child.Mutation),
                (((CandidateProposed)e).Id, ((CandidateProposed)e).ParentId, ((CandidateProposed)e).Genotype, ((CandidateProposed)e).Mutation)),
            e => Assert.Equal((r.Id, "w1"), (Assert.IsType<CandidateStarted>(e).Id, ((CandidateStarted)e).Worker)));
        Assert.Empty(state.Reservations);

        var again = Assert.IsType<Rejected>(state.Decide(new ProposeChild(r.Id, T0, child)));
        Assert.Contains($"no reservation {r.Id}", again.Reason, StringComparison.Ordinal);
        Assert.Empty(again.Events);
    }

    [Fact]
    public void A_child_drawn_here_is_the_child_a_Mutator_draws()
    {
        var here = Warm();
        var there = Warm();
        var drawnHere = Assert.IsType<AssignCandidate>(here.Decide(new AssignWork("w1", "n1", T0, DrawChildHere: true)));
        var r = Assert.IsType<MutationNeeded>(there.Decide(new AssignWork("w1", "n1", T0))).Reservation;
        var mutator = ChildProposer.ChildOf(there.Config, there.Space, r.Id, r.Parent, r.Proxy);
        var drawnThere = Assert.IsType<AssignCandidate>(there.Decide(new ProposeChild(r.Id, T0, mutator)));
        Assert.Equal(EventSerializer.ToBytes(drawnThere.Events[0]), EventSerializer.ToBytes(drawnHere.Events[0]));
        Assert.Equal(drawnThere.Candidate, drawnHere.Candidate);
    }

    [Fact]
    public void CancelReservation_forgets_it_and_a_second_cancel_is_rejected()
    {
        var state = Warm();
        var r = Assert.IsType<MutationNeeded>(state.Decide(new AssignWork("w1", "n1", T0))).Reservation;
        Assert.Empty(Assert.IsType<Accepted>(state.Decide(new CancelReservation(r.Id))).Events);
        Assert.Empty(state.Reservations);
        Assert.Equal($"there is no reservation {r.Id}", Assert.IsType<Rejected>(state.Decide(new CancelReservation(r.Id))).Reason);
        Assert.IsType<Rejected>(state.Decide(new ProposeChild(r.Id, T0)));
    }

    [Fact]
    public void RecordResult_records_once_and_completes_the_search_with_the_last_of_the_budget()
    {
        var state = StateSteps.Started(Config(budget: 2), T0);
        var first = StateSteps.Take(state, "w0", "n0", T0);
        var result = Assert.IsType<Accepted>(state.Decide(new RecordResult(first.Id, new EvaluationResult(0.5), T0, T0, "w0", "n0")));
        Assert.Equal(0.5, Assert.IsType<CandidateEvaluated>(Assert.Single(result.Events)).Objective);
        Apply(state, result);

        var duplicate = Assert.IsType<Rejected>(state.Decide(new RecordResult(first.Id, new EvaluationResult(0.9), T0, T0, "w0", "n0")));
        Assert.Contains($"candidate {first.Id} is not pending", duplicate.Reason, StringComparison.Ordinal);

        var second = StateSteps.Take(state, "w0", "n0", T0);
        var last = state.Decide(new RecordResult(second.Id, new EvaluationResult(0.7), T0, T0, "w0", "n0"));
        Assert.Equal("budget", Assert.IsType<SearchCompleted>(last.Events[^1]).Reason);
        Apply(state, last);
        Assert.Equal("the search has completed (budget)",
            Assert.IsType<Rejected>(state.Decide(new RecordResult(second.Id, new EvaluationResult(0.7), T0, T0, "w0", "n0"))).Reason);
        Assert.Equal("budget", Assert.IsType<SearchFinished>(state.Decide(new AssignWork("w0", "n0", T0))).Reason);
    }

    [Fact]
    public void A_NaN_result_is_recorded_as_a_failed_attempt()
    {
        var state = StateSteps.Started(Config(), T0);
        var c = StateSteps.Take(state, "w0", "n0", T0);
        var failed = Assert.IsType<CandidateFailed>(Assert.Single(
            state.Decide(new RecordResult(c.Id, new EvaluationResult(double.NaN), T0, T0, "w0", "n0")).Events));
        Assert.Equal((c.Id, "objective is NaN", 1, false), (failed.Id, failed.Reason, failed.Attempt, failed.Final));
    }

    [Fact]
    public void RecordFailure_from_the_holder_fails_the_attempt_and_a_stale_report_is_rejected()
    {
        var state = StateSteps.Started(Config(), T0);
        var c = StateSteps.Take(state, "w0", "n0", T0);
        var stale = Assert.IsType<Rejected>(state.Decide(new RecordFailure(c.Id, "boom", "ghost", T0)));
        Assert.Equal($"candidate {c.Id} is held by w0, not ghost", stale.Reason);

        var failed = Assert.IsType<CandidateFailed>(Assert.Single(
            Assert.IsType<Accepted>(state.Decide(new RecordFailure(c.Id, "boom", "w0", T0, Permanent: true))).Events));
        Assert.True(failed.Final);
        Assert.Contains("is not pending", Assert.IsType<Rejected>(state.Decide(new RecordFailure(99, "boom", "w0", T0))).Reason,
            StringComparison.Ordinal);
    }

    [Fact]
    public void The_releases_send_running_candidates_back_to_the_queue()
    {
        var state = StateSteps.Started(Config(), T0);
        var a = StateSteps.Take(state, "w0", "n0", T0);
        var b = StateSteps.Take(state, "w1", "n1", T0);

        Assert.Equal([a.Id], state.Decide(new ReleaseWorker("w0", "gone", T0)).Events.Cast<CandidateReleased>().Select(r => r.Id));
        Assert.Empty(Assert.IsType<Accepted>(state.Decide(new ReleaseWorker("w9", "gone", T0))).Events);
        Assert.Equal([b.Id], state.Decide(new ReleaseNodeWork("n1", "down", T0)).Events.Cast<CandidateReleased>().Select(r => r.Id));
        Assert.Equal([a.Id, b.Id], state.Decide(new ReleaseAllWork("recovered", T0)).Events.Cast<CandidateReleased>().Select(r => r.Id));
    }

    [Fact]
    public void Pause_resume_and_end_each_give_one_event_and_reject_a_repeat()
    {
        var state = StateSteps.Started(Config(), T0);
        var pause = state.Decide(new PauseWork("maintenance", T0));
        Assert.Equal("maintenance", Assert.IsType<SearchPaused>(Assert.Single(pause.Events)).Reason);
        Apply(state, pause);
        Assert.Equal("the search is paused already", Assert.IsType<Rejected>(state.Decide(new PauseWork("again", T0))).Reason);
        Assert.Equal("the search is paused", Assert.IsType<NoWorkNow>(state.Decide(new AssignWork("w0", "n0", T0))).Reason);

        var resume = state.Decide(new ResumeWork(T0));
        Assert.IsType<SearchResumed>(Assert.Single(resume.Events));
        Apply(state, resume);
        Assert.Equal("the search is not paused", Assert.IsType<Rejected>(state.Decide(new ResumeWork(T0))).Reason);

        var end = state.Decide(new EndSearch("enough", T0));
        Assert.Equal(SearchState.StopReasonPrefix + "enough", Assert.IsType<SearchCompleted>(Assert.Single(end.Events)).Reason);
        Apply(state, end);
        Assert.Equal("the search has completed (stopped: enough)", Assert.IsType<Rejected>(state.Decide(new EndSearch("again", T0))).Reason);
        Assert.IsType<Rejected>(state.Decide(new PauseWork("late", T0)));
    }
}
