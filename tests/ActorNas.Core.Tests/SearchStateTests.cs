using ActorNas.Core.Evaluation;
using ActorNas.Core.Events;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;
using ActorNas.Core.Tests.TestSupport;
using Xunit;

namespace ActorNas.Core.Tests;

/// <summary>Single decisions of the state machine in small, hand-written situations.</summary>
public sealed class SearchStateTests
{
    private static readonly DateTimeOffset T0 = new(2024, 5, 1, 8, 0, 0, TimeSpan.Zero);

    private static SearchSettings Config(int p = 5, int s = 2, int budget = 100, int attempts = 3, int maxFailures = 1000,
        SchedulingMode mode = SchedulingMode.Continuous, int batch = 8) => new()
    {
        Space = new SearchSpaceSpec(Nb201Space.SpaceName), PopulationSize = p, SampleSize = s, Budget = budget,
        MaxAttempts = attempts, MaxFailures = maxFailures, Mode = mode, BatchSize = batch, Seed = 42,
    };

    private static SearchState Started(SearchSettings config) => StateSteps.Started(config, T0);

    private static void Apply(SearchState state, IEnumerable<ISearchEvent> events) => StateSteps.Apply(state, events);

    private static Candidate Take(SearchState state, string worker) => StateSteps.Take(state, worker, "node", T0);

    private static IReadOnlyList<ISearchEvent> Done(SearchState state, Candidate c, double objective, string worker = "w0")
    {
        var events = state.Complete(c.Id, new EvaluationResult(objective), T0, T0.AddSeconds(1), worker, "node");
        Apply(state, events);
        return events;
    }

    [Fact]
    public void Start_returns_the_start_event_and_changes_nothing_until_it_is_applied()
    {
        var state = new SearchState();
        var config = Config();
        var started = Assert.IsType<SearchStarted>(Assert.Single(state.Start(config, T0)));
        Assert.Same(config, started.Config);
        Assert.Equal(T0, started.At);
        Assert.False(state.IsStarted);
        Assert.Throws<InvalidOperationException>(() => state.Config);

        state.Apply(started);
        Assert.True(state.IsStarted);
        Assert.Equal(T0, state.StartedAt);
        Assert.Same(Nb201Space.Instance, state.Space);
        Assert.Throws<InvalidOperationException>(() => state.Start(config, T0));
        Assert.Contains("second SearchStarted", Assert.Throws<InvalidOperationException>(() => state.Apply(started)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_config_is_refused_at_start()
    {
        var error = Assert.Throws<ArgumentException>(() => new SearchState().Start(Config(p: 4, s: 5), T0));
        Assert.Contains("sample size", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_can_be_decided_or_applied_before_the_search_starts()
    {
        var state = new SearchState();
        Assert.Contains("has not started", Assert.Throws<InvalidOperationException>(() => state.Assign("w0", "n", T0)).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() =>
            state.Apply(new CandidateProposed(1, null, new Genotype([0, 0, 0, 0, 0, 0]), null, null, 0, T0)));
    }

    [Fact]
    public void Warm_up_hands_out_random_candidates_then_a_tournament_picks_the_best_drawn_parent()
    {
        var state = Started(Config(p: 3, s: 3));
        double[] objectives = [0.2, 0.9, 0.5];
        for (var i = 0; i < 3; i++)
        {
            var c = Take(state, "w0");
            Assert.Equal(i + 1, c.Id);
            Assert.Null(c.ParentId);
            Assert.Equal(1, c.Attempt);
            Done(state, c, objectives[i]);
        }
        var r = Assert.IsType<MutationNeeded>(state.Assign("w1", "node-b", T0)).Reservation;
        Assert.Equal(4, r.Id);
        Assert.Equal(new long[] { 1, 2, 3 }, r.Tournament.Order());
        Assert.Equal(2, r.ParentId);                        // S = P: every member is drawn, the best wins
        Assert.Equal(state.Population[1].Genotype, r.Parent);
        Assert.Equal(("w1", "node-b"), (r.Worker, r.Node));
        Assert.Single(state.Reservations);

        var (child, m) = state.MutateFor(r);
        Assert.Equal((child, m), state.MutateFor(r));       // the same draw every time: keyed by seed and id
        var proposal = state.CompleteProposal(r, child, m, T0)!;
        var proposed = Assert.IsType<CandidateProposed>(proposal.Events[0]);
        Assert.Equal((4L, (long?)2, child, m), (proposed.Id, proposed.ParentId, proposed.Genotype, proposed.Mutation));
        Assert.Null(state.CompleteProposal(r, child, m, T0));   // a reservation is used once
    }

    [Fact]
    public void A_tie_goes_to_the_member_drawn_first()
    {
        var state = Started(Config(p: 2, s: 2));
        Done(state, Take(state, "w0"), 0.5);
        Done(state, Take(state, "w0"), 0.5);
        var r = Assert.IsType<MutationNeeded>(state.Assign("w0", "node", T0)).Reservation;
        Assert.Equal(r.Tournament[0], r.ParentId);
    }

    [Fact]
    public void The_oldest_member_retires_before_a_result_joins_a_full_population()
    {
        var state = Started(Config(p: 2, s: 1));
        Done(state, Take(state, "w0"), 0.1);
        Done(state, Take(state, "w0"), 0.2);
        var third = Take(state, "w0");
        var events = Done(state, third, 0.3);
        Assert.Equal(2, events.Count);
        Assert.Equal(1, Assert.IsType<CandidateRetired>(events[0]).Id);
        Assert.Equal(third.Id, Assert.IsType<CandidateEvaluated>(events[1]).Id);
        Assert.Equal(new long[] { 2, third.Id }, state.Population.Select(m => m.Id));
        Assert.Equal(1, state.Retired);
    }

    [Fact]
    public void A_result_is_recorded_once_and_a_late_duplicate_changes_nothing()
    {
        var state = Started(Config());
        var c = Take(state, "w0");
        Assert.Single(Done(state, c, 0.7));
        Assert.Empty(state.Complete(c.Id, new EvaluationResult(0.9), T0, T0, "w0", "node"));
        Assert.Empty(state.Complete(c.Id, new EvaluationResult(0.9), T0, T0, "w1", "node"));
        Assert.Empty(state.Complete(999, new EvaluationResult(0.9), T0, T0, "w0", "node"));
        Assert.Equal(0.7, Assert.Single(state.Population).Objective);
        Assert.Equal(1, state.Evaluated);
    }

    [Theory]
    [InlineData(double.NaN, "objective is NaN")]
    [InlineData(double.PositiveInfinity, "objective is")]
    [InlineData(double.NegativeInfinity, "objective is")]
    public void A_non_finite_objective_is_a_failed_attempt(double objective, string reason)
    {
        var state = Started(Config(attempts: 2));
        var c = Take(state, "w0");
        var failed = Assert.IsType<CandidateFailed>(Assert.Single(
            state.Complete(c.Id, new EvaluationResult(objective), T0, T0, "w0", "node")));
        Assert.Contains(reason, failed.Reason, StringComparison.Ordinal);
        Assert.Equal((c.Id, 1, false), (failed.Id, failed.Attempt, failed.Final));
        state.Apply(failed);
        Assert.Equal(0, state.Evaluated);
        Assert.Empty(state.Population);
        var retry = Take(state, "w0");
        Assert.Equal((c.Id, 2), (retry.Id, retry.Attempt));
        Assert.True(Assert.IsType<CandidateFailed>(Assert.Single(
            state.Complete(c.Id, new EvaluationResult(double.NaN), T0, T0, "w0", "node"))).Final);
    }

    [Fact]
    public void A_failing_candidate_is_retried_with_the_same_genotype_until_its_last_attempt()
    {
        var state = Started(Config(attempts: 3));
        var c = Take(state, "w0");
        Assert.Empty(state.Fail(c.Id, "boom", "w1", T0));                 // w1 does not hold it

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var failed = Assert.IsType<CandidateFailed>(Assert.Single(state.Fail(c.Id, $"boom {attempt}", "w0", T0)));
            Assert.Equal((attempt, attempt == 3, "w0"), (failed.Attempt, failed.Final, failed.Worker));
            state.Apply(failed);
            Assert.Equal(attempt, state.FailedAttempts);
            if (attempt == 3) break;
            Assert.Empty(state.Fail(c.Id, "again", "w0", T0));             // queued: nobody holds it
            Assert.False(state.Pending[c.Id].IsRunning);
            var next = Assert.IsType<AssignCandidate>(state.Assign("w0", "node", T0));
            Assert.Equal(new Candidate(c.Id, null, c.Genotype, attempt + 1), next.Candidate);
            Assert.Equal(attempt + 1, Assert.IsType<CandidateStarted>(Assert.Single(next.Events)).Attempt);
            Apply(state, next.Events);
        }
        Assert.Empty(state.Pending);
        Assert.Equal(1, state.FinalFailures);
        Assert.Equal(2, Take(state, "w0").Id);
    }

    [Fact]
    public void A_log_cut_between_the_last_result_and_the_completion_is_settled_with_the_completion()
    {
        var state = Started(Config(budget: 1));
        var c = Take(state, "w0");
        Assert.Empty(state.Settle(T0));   // mid-search: nothing is due
        var events = state.Complete(c.Id, new EvaluationResult(0.5), T0, T0.AddSeconds(1), "w0", "node");
        Apply(state, events.Where(e => e is not SearchCompleted));   // what a log repaired before its last event holds

        var settled = state.Settle(T0.AddSeconds(2));

        Assert.Equal("budget", Assert.IsType<SearchCompleted>(Assert.Single(settled)).Reason);
        Apply(state, settled);
        Assert.True(state.IsCompleted);
        Assert.Empty(state.Settle(T0.AddSeconds(3)));
    }

    [Fact]
    public void A_log_cut_after_the_last_allowed_failure_is_settled_with_the_failure_limit()
    {
        var state = Started(Config(attempts: 1, maxFailures: 1));
        var a = Take(state, "w0");
        Apply(state, state.Fail(a.Id, "boom", "w0", T0).Where(e => e is not SearchCompleted));

        Assert.Equal("failure-limit", Assert.IsType<SearchCompleted>(Assert.Single(state.Settle(T0))).Reason);
    }

    [Fact]
    public void The_failure_limit_ends_the_search_and_later_reports_change_nothing()
    {
        var state = Started(Config(attempts: 1, maxFailures: 1));
        var a = Take(state, "w0");
        var b = Take(state, "w1");
        var events = state.Fail(a.Id, "boom", "w0", T0);
        Assert.Equal(2, events.Count);
        Assert.True(Assert.IsType<CandidateFailed>(events[0]).Final);
        Assert.Equal("failure-limit", Assert.IsType<SearchCompleted>(events[1]).Reason);
        Apply(state, events);

        Assert.True(state.IsCompleted);
        Assert.Contains(b.Id, state.Pending.Keys);
        Assert.Empty(state.Complete(b.Id, new EvaluationResult(0.5), T0, T0, "w1", "node"));
        Assert.Empty(state.Fail(b.Id, "boom", "w1", T0));
        Assert.Equal("failure-limit", Assert.IsType<SearchFinished>(state.Assign("w2", "node", T0)).Reason);
    }

    [Fact]
    public void The_budget_ends_the_search_with_its_last_result_and_what_is_in_flight_counts_against_it()
    {
        var state = Started(Config(p: 1, s: 1, budget: 2));
        var a = Take(state, "w0");
        var b = Take(state, "w1");
        Assert.Contains("budget", Assert.IsType<NoWorkNow>(state.Assign("w2", "node", T0)).Reason, StringComparison.Ordinal);
        Assert.Single(Done(state, a, 0.1));
        var last = Done(state, b, 0.2, "w1");
        Assert.Equal("budget", Assert.IsType<SearchCompleted>(last[^1]).Reason);
        Assert.Equal(2, state.Evaluated);
        Assert.IsType<SearchFinished>(state.Assign("w0", "node", T0));
    }

    [Fact]
    public void A_reservation_counts_against_the_budget_and_a_cancelled_id_is_not_reused()
    {
        var state = Started(Config(p: 1, s: 1, budget: 3));
        Done(state, Take(state, "w0"), 0.1);
        var r = Assert.IsType<MutationNeeded>(state.Assign("w0", "node", T0)).Reservation;
        var r2 = Assert.IsType<MutationNeeded>(state.Assign("w1", "node", T0)).Reservation;
        Assert.Equal((2, 3), (r.Id, r2.Id));
        Assert.IsType<NoWorkNow>(state.Assign("w2", "node", T0));
        state.CancelReservation(r.Id);
        var (child, m) = state.MutateFor(r);
        Assert.Null(state.CompleteProposal(r, child, m, T0));
        var r3 = Assert.IsType<MutationNeeded>(state.Assign("w2", "node", T0)).Reservation;
        Assert.Equal(4, r3.Id);
    }

    [Fact]
    public void A_child_outside_the_space_is_refused()
    {
        var state = Started(Config(p: 1, s: 1));
        Done(state, Take(state, "w0"), 0.1);
        var r = Assert.IsType<MutationNeeded>(state.Assign("w0", "node", T0)).Reservation;
        Assert.Throws<GenotypeFormatException>(() => state.CompleteProposal(r, new Genotype([9, 0, 0, 0, 0, 0]), new Mutation(0, 0, 9), T0));
    }

    [Fact]
    public void Releasing_a_worker_queues_its_running_candidates_which_are_reissued_lowest_id_first()
    {
        var state = Started(Config());
        var c1 = Take(state, "w0");
        var c2 = Take(state, "w1");
        var c3 = Take(state, "w0");
        var released = state.Release("w0", "worker died", T0);
        Assert.Equal(new[] { c1.Id, c3.Id }, released.Cast<CandidateReleased>().Select(e => e.Id));
        Assert.All(released.Cast<CandidateReleased>(), e => Assert.Equal("worker died", e.Reason));
        Apply(state, released);
        Assert.Empty(state.Release("w0", "again", T0));
        Assert.Equal(1, state.Running);

        var again = Take(state, "w2");
        Assert.Equal((c1.Id, c1.Genotype, 1), (again.Id, again.Genotype, again.Attempt));
        Assert.Equal(c3.Id, Take(state, "w2").Id);
        var all = state.ReleaseAll("recovered", T0);
        Assert.Equal(new[] { c1.Id, c2.Id, c3.Id }, all.Cast<CandidateReleased>().Select(e => e.Id));
    }

    [Fact]
    public void Batch_mode_waits_for_the_whole_batch_then_starts_the_next()
    {
        var state = Started(Config(p: 10, s: 2, mode: SchedulingMode.Batch, batch: 3));
        var batch = new[] { Take(state, "w0"), Take(state, "w1"), Take(state, "w2") };
        Assert.Contains("batch", Assert.IsType<NoWorkNow>(state.Assign("w3", "node", T0)).Reason, StringComparison.Ordinal);
        Done(state, batch[0], 0.1);
        Done(state, batch[2], 0.3);
        Assert.IsType<NoWorkNow>(state.Assign("w0", "node", T0));
        Assert.Equal((0, 3), (state.BatchIndex, state.BatchProposed));

        Done(state, batch[1], 0.2);
        Assert.Equal((1, 0), (state.BatchIndex, state.BatchProposed));
        var next = Assert.IsType<AssignCandidate>(state.Assign("w0", "node", T0));
        Assert.Equal(1, Assert.IsType<CandidateProposed>(next.Events[0]).Batch);
    }

    [Fact]
    public void In_batch_mode_a_final_failure_also_closes_the_batch()
    {
        var state = Started(Config(p: 10, s: 2, attempts: 1, mode: SchedulingMode.Batch, batch: 2));
        var a = Take(state, "w0");
        var b = Take(state, "w1");
        Done(state, a, 0.5);
        Assert.IsType<NoWorkNow>(state.Assign("w0", "node", T0));
        Apply(state, state.Fail(b.Id, "boom", "w1", T0));
        Assert.Equal(1, state.BatchIndex);
        Assert.IsType<AssignCandidate>(state.Assign("w0", "node", T0));
    }

    [Fact]
    public void An_inconsistent_log_is_refused()
    {
        var state = Started(Config());
        var g = new Genotype([0, 0, 0, 0, 0, 0]);
        Assert.Throws<InvalidOperationException>(() => state.Apply(new CandidateStarted(7, "w0", "n", 1, T0)));
        Assert.Throws<InvalidOperationException>(() => state.Apply(new CandidateEvaluated(7, 0.5, null, T0, T0, "w0", "n")));
        Assert.Throws<InvalidOperationException>(() => state.Apply(new CandidateFailed(7, "x", 1, false, "w0", T0)));
        Assert.Throws<InvalidOperationException>(() => state.Apply(new CandidateReleased(7, "x", T0)));
        Assert.Contains("not in the population", Assert.Throws<InvalidOperationException>(() => state.Apply(new CandidateRetired(7, T0))).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => state.Apply(new CandidateProposed(0, null, g, null, null, 0, T0)));
        state.Apply(new CandidateProposed(1, null, g, null, null, 0, T0));
        Assert.Contains("proposed twice", Assert.Throws<InvalidOperationException>(() =>
            state.Apply(new CandidateProposed(1, null, g, null, null, 0, T0))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SameAs_tells_different_states_apart()
    {
        var a = Started(Config());
        var b = Started(Config());
        Assert.True(a.SameAs(b));
        var c = Take(a, "w0");
        Assert.False(a.SameAs(b));
        Apply(b, [new CandidateProposed(c.Id, null, c.Genotype, null, null, 0, T0), new CandidateStarted(c.Id, "w0", "node", 1, T0)]);
        Assert.True(a.SameAs(b));
        Apply(a, [new CandidateReleased(c.Id, "x", T0)]);
        Assert.False(a.SameAs(b));                               // same counters, a pending candidate differs

        var snapshot = a.ToSnapshot();
        Assert.True(SearchState.FromSnapshot(snapshot).SameAs(a));
        Assert.False(snapshot.Equivalent(snapshot with { Evaluated = 1 }));
        Assert.False(snapshot.Equivalent(snapshot with { Pending = [] }));
        Assert.False(snapshot.Equivalent(snapshot with { Population = [new Member(1, c.Genotype, 0.5)] }));
    }
}
