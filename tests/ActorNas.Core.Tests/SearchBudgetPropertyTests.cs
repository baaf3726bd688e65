using ActorNas.Core.Events;
using ActorNas.Core.Evolution;
using ActorNas.Core.Tests.TestSupport;
using CsCheck;
using Xunit;

namespace ActorNas.Core.Tests;

/// <summary>A search ends exactly at its budget (or its failure limit), once, with unique candidate ids.</summary>
public sealed class SearchBudgetPropertyTests
{
    [Fact]
    public void Without_a_failure_limit_in_reach_the_search_ends_with_exactly_budget_evaluations() =>
        Scenarios.Any(smallFailureLimits: false).Sample(s =>
        {
            var run = SearchRun.Execute(s);
            Assert.Equal("budget", run.State.CompletionReason);
            Assert.Equal(s.Config.Budget, run.State.Evaluated);
            Assert.Equal(s.Config.Budget, run.Log.OfType<CandidateEvaluated>().Count());
            Assert.Empty(run.State.Pending);
        }, iter: 150);

    [Fact]
    public void The_search_ends_once_with_the_last_event_and_candidate_ids_are_unique()
    {
        var coverage = new Coverage();
        Scenarios.Any().Sample(s =>
        {
            var run = SearchRun.Execute(s);
            Assert.IsType<SearchStarted>(run.Log[0]);
            Assert.Single(run.Log.OfType<SearchStarted>());
            var completed = Assert.Single(run.Log.OfType<SearchCompleted>());
            Assert.Same(completed, run.Log[^1]);
            Assert.Equal(completed.Reason, run.State.CompletionReason);

            var ids = run.Log.OfType<CandidateProposed>().Select(p => p.Id).ToList();
            Assert.Equal(ids.Count, ids.Distinct().Count());
            Assert.All(ids, id => Assert.True(id >= 1));
            Assert.DoesNotContain(run.Cancelled, ids.Contains);
            var evaluatedIds = run.Log.OfType<CandidateEvaluated>().Select(e => e.Id).ToList();
            Assert.Equal(evaluatedIds.Count, evaluatedIds.Distinct().Count());
            Assert.All(evaluatedIds, id => Assert.Contains(id, ids));

            var finalFailures = run.Log.OfType<CandidateFailed>().Count(f => f.Final);
            Assert.Equal(finalFailures, run.State.FinalFailures);
            Assert.Equal(ids.Count, run.State.Proposed);
            var cancelled = run.Log.OfType<CandidateCancelled>().ToList();
            Assert.Equal(run.State.Proposed, run.State.Evaluated + run.State.FinalFailures + cancelled.Count + run.State.Pending.Count);

            if (completed.Reason == "budget")
            {
                Assert.Equal(s.Config.Budget, run.State.Evaluated);
                Assert.Empty(run.State.Pending);   // whatever was still pending is cancelled, in the same decision
                coverage.Hit("budget");
                if (cancelled.Count > 0) coverage.Hit("cancelled at the budget");
            }
            else
            {
                Assert.Equal("failure-limit", completed.Reason);
                Assert.Equal(s.Config.MaxFailures, run.State.FinalFailures);
                Assert.True(run.State.Evaluated < s.Config.Budget);
                coverage.Hit("failure-limit");
            }
            if (s.Config.Mode == SchedulingMode.Batch || s.MaxHeld == 1)
                Assert.True(run.State.Evaluated + run.State.Pending.Count + cancelled.Count <= s.Config.Budget);
        }, iter: 200);
        coverage.Require("budget", "failure-limit", "cancelled at the budget");
    }

    [Fact]
    public void After_completion_nothing_changes_the_state()
    {
        var coverage = new Coverage();
        Scenarios.Any().Sample(s =>
        {
            var run = SearchRun.Execute(s);
            var before = run.State.ToSnapshot();
            var probe = run.ProbeAfterCompletion();
            var finished = Assert.IsType<SearchFinished>(probe.Assign);
            Assert.Equal(run.State.CompletionReason, finished.Reason);
            Assert.Empty(probe.Complete);
            Assert.Empty(probe.Fail);
            Assert.Null(probe.Proposal);
            Assert.Empty(run.State.Reservations);
            Assert.True(before.Equivalent(run.State.ToSnapshot()));
            if (probe.PendingId is not null) coverage.Hit("result for a pending candidate after completion");
            // about 2 % of samples end with a candidate pending: at 150 samples a fresh-clone CI run missed it (~5 % of runs)
        }, iter: 1500);
        coverage.Require("result for a pending candidate after completion");
    }
}
