using ActorNas.Core.Events;
using ActorNas.Core.Evolution;
using ActorNas.Core.Tests.TestSupport;
using CsCheck;
using Xunit;

namespace ActorNas.Core.Tests;

/// <summary>Failures, NaN results, re-issues, duplicate results and dead workers.</summary>
public sealed class SearchFailurePropertyTests
{
    [Fact]
    public void A_failure_is_final_exactly_at_the_last_attempt()
    {
        var coverage = new Coverage();
        Scenarios.Any().Sample(s =>
        {
            var run = SearchRun.Execute(s);
            foreach (var call in run.Fails.Concat(run.NanResults))
            {
                Assert.InRange(call.Events.Count, 1, 2);
                var failed = Assert.IsType<CandidateFailed>(call.Events[0]);
                Assert.Equal(call.Id, failed.Id);
                Assert.Equal(call.FailedAttemptsBefore + 1, failed.Attempt);
                Assert.Equal(failed.Attempt >= s.Config.MaxAttempts, failed.Final);
                Assert.Equal(call.Worker, failed.Worker);
                if (call.Events.Count == 2)
                {
                    Assert.True(failed.Final);
                    Assert.Equal("failure-limit", Assert.IsType<SearchCompleted>(call.Events[1]).Reason);
                }
                coverage.Hit(failed.Final ? "final" : "not final");
            }
        }, iter: 150);
        coverage.Require("final", "not final");
    }

    [Fact]
    public void A_NaN_objective_is_recorded_as_a_failed_attempt_not_a_result()
    {
        var coverage = new Coverage();
        Scenarios.Any().Sample(s =>
        {
            var run = SearchRun.Execute(s);
            foreach (var call in run.NanResults)
            {
                var failed = Assert.IsType<CandidateFailed>(call.Events[0]);
                Assert.Contains("NaN", failed.Reason, StringComparison.Ordinal);
                Assert.DoesNotContain(call.Events, e => e is CandidateEvaluated);
                coverage.Hit("nan");
            }
            Assert.All(run.State.Population, m => Assert.True(double.IsFinite(m.Objective)));
        }, iter: 150);
        coverage.Require("nan");
    }

    [Fact]
    public void A_report_from_a_worker_that_does_not_hold_the_candidate_is_ignored()
    {
        var coverage = new Coverage();
        Scenarios.Any().Sample(s =>
        {
            var run = SearchRun.Execute(s);
            Assert.All(run.StaleFails, f => Assert.Empty(f.Events));
            coverage.Hit("stale", run.StaleFails.Count);
        }, iter: 100);
        coverage.Require("stale");
    }

    [Fact]
    public void Queued_candidates_are_reissued_first_lowest_id_first_with_the_next_attempt_number()
    {
        var coverage = new Coverage();
        Scenarios.Any().Sample(s =>
        {
            var run = SearchRun.Execute(s);
            foreach (var call in run.Assigns)
            {
                if (call.Before.FirstQueued is not { } queued || call.Result is SlotFull) continue;   // a full worker gets nothing
                var a = Assert.IsType<AssignCandidate>(call.Result);
                Assert.Equal(new Evaluation.Candidate(queued.Id, queued.ParentId, queued.Genotype, queued.FailedAttempts + 1, queued.ParentNode), a.Candidate);
                var started = Assert.IsType<CandidateStarted>(Assert.Single(a.Events));
                Assert.Equal(queued.Id, started.Id);
                Assert.Equal(call.Worker, started.Worker);
                Assert.Equal(queued.FailedAttempts + 1, started.Attempt);
                coverage.Hit(queued.FailedAttempts > 0 ? "reissue after failure" : "reissue after release");
            }
        }, iter: 150);
        coverage.Require("reissue after failure", "reissue after release");
    }

    [Fact]
    public void A_non_final_failure_is_started_again_with_the_next_attempt_and_a_final_one_never_is()
    {
        var coverage = new Coverage();
        Scenarios.Any().Sample(s =>
        {
            var run = SearchRun.Execute(s);
            for (var i = 0; i < run.Log.Count; i++)
            {
                if (run.Log[i] is not CandidateFailed failed) continue;
                var nextStart = run.Log.Skip(i + 1).OfType<CandidateStarted>().FirstOrDefault(e => e.Id == failed.Id);
                if (failed.Final)
                {
                    Assert.Null(nextStart);
                    Assert.DoesNotContain(failed.Id, run.State.Pending.Keys);
                }
                else if (nextStart is not null)
                {
                    Assert.Equal(failed.Attempt + 1, nextStart.Attempt);
                    coverage.Hit("restarted");
                }
                else Assert.True(run.State.IsCompleted);
            }
        }, iter: 150);
        coverage.Require("restarted");
    }

    [Fact]
    public void With_one_worker_the_next_request_after_a_non_final_failure_gets_the_failed_candidate_back()
    {
        var coverage = new Coverage();
        Scenarios.Any().Select(s => s with { Workers = 1, MaxHeld = 1, ReleaseRate = 0, HoldReservationRate = 0, FailRate = Math.Max(s.FailRate, 0.2) }).Sample(s =>
        {
            var run = SearchRun.Execute(s);
            foreach (var fail in run.Fails.Where(f => f.Events.OfType<CandidateFailed>().Single() is { Final: false }))
            {
                var next = run.Assigns.FirstOrDefault(a => a.Sequence > fail.Sequence);
                if (next is null) continue;
                var a = Assert.IsType<AssignCandidate>(next.Result);
                Assert.Equal(fail.Id, a.Candidate.Id);
                Assert.Equal(fail.FailedAttemptsBefore + 2, a.Candidate.Attempt);
                coverage.Hit("retried at once");
            }
        }, iter: 100);
        coverage.Require("retried at once");
    }

    [Fact]
    public void A_result_that_arrives_twice_is_recorded_once()
    {
        var coverage = new Coverage();
        Scenarios.Any().Sample(s =>
        {
            var run = SearchRun.Execute(s);
            Assert.All(run.DuplicateResults, d => Assert.Empty(d.Events));
            coverage.Hit("duplicate", run.DuplicateResults.Count);
            var evaluated = run.Log.OfType<CandidateEvaluated>().Select(e => e.Id).ToList();
            Assert.Equal(evaluated.Count, evaluated.Distinct().Count());
        }, iter: 100);
        coverage.Require("duplicate");
    }

    [Fact]
    public void Releasing_a_worker_sends_exactly_its_running_candidates_back_to_the_queue()
    {
        var coverage = new Coverage();
        Scenarios.Any().Sample(s =>
        {
            var run = SearchRun.Execute(s);
            foreach (var call in run.Releases)
            {
                Assert.All(call.Events, e => Assert.IsType<CandidateReleased>(e));
                Assert.Equal(call.RunningBefore, call.Events.Cast<CandidateReleased>().Select(e => e.Id));
                coverage.Hit(call.RunningBefore.Count > 1 ? "released several" : call.RunningBefore.Count == 1 ? "released one" : "released none");
            }
        }, iter: 600); // about 2 % of scenarios release a worker holding several: at 100 one run in seven missed it
        coverage.Require("released several", "released one", "released none");
    }
}
