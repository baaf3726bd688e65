using ActorNas.Core.Events;
using ActorNas.Core.Evolution;
using ActorNas.Core.Tests.TestSupport;
using CsCheck;
using Xunit;

namespace ActorNas.Core.Tests;

/// <summary>When Assign hands out new work, and the batch barrier of batch mode.</summary>
public sealed class SearchSchedulingPropertyTests
{
    [Fact]
    public void New_work_is_handed_out_exactly_when_no_candidate_is_queued_the_budget_allows_and_the_batch_is_open()
    {
        var coverage = new Coverage();
        Scenarios.Any().Sample(s =>
        {
            var run = SearchRun.Execute(s);
            var c = s.Config;
            foreach (var call in run.Assigns)
            {
                var ctx = call.Before;
                var capacity = c.Mode == SchedulingMode.Batch ? 1 : s.MaxHeld;
                if (ctx.WorkerHolding >= capacity)
                {
                    Assert.IsType<SlotFull>(call.Result);
                    coverage.Hit("slot full");
                    continue;
                }
                if (ctx.FirstQueued is not null) continue;   // re-issues: see SearchFailurePropertyTests
                // continuous: a worker's lookahead waits behind the candidate it evaluates, so a worker counts once
                var inFlight = c.Mode == SchedulingMode.Batch ? ctx.Pending + ctx.Reservations : ctx.Queued + ctx.Holders;
                var budgetInFlight = ctx.Evaluated + inFlight >= c.Budget;
                var batchFull = c.Mode == SchedulingMode.Batch && ctx.BatchProposed + ctx.Reservations >= c.BatchSize;
                if (budgetInFlight || batchFull)
                {
                    var none = Assert.IsType<NoWorkNow>(call.Result);
                    Assert.Contains(budgetInFlight ? "budget" : "batch", none.Reason, StringComparison.Ordinal);
                    coverage.Hit(budgetInFlight ? "budget in flight" : "batch full");
                }
                else
                {
                    Assert.True(call.Result is AssignCandidate or MutationNeeded, $"expected new work, got {call.Result}");
                }
            }
        }, iter: 150);
        coverage.Require("budget in flight", "batch full", "slot full");
    }

    [Fact]
    public void In_batch_mode_a_batch_of_B_is_proposed_and_the_next_starts_only_when_all_of_it_has_finished()
    {
        var coverage = new Coverage();
        Scenarios.Any().Select(s => s with { Config = s.Config with { Mode = SchedulingMode.Batch } }).Sample(s =>
        {
            var run = SearchRun.Execute(s);
            var b = s.Config.BatchSize;
            var pendingBatch = new Dictionary<long, int>();
            foreach (var step in run.Trace)
            {
                Assert.InRange(step.After.BatchProposed, 0, b);
                switch (step.Event)
                {
                    case CandidateProposed p:
                        Assert.Equal(step.After.BatchIndex, p.Batch);
                        Assert.All(pendingBatch.Values, batch => Assert.Equal(p.Batch, batch));
                        if (pendingBatch.Count == 0 && p.Batch > 0 && step.After.BatchProposed == 1) coverage.Hit("next batch");
                        pendingBatch[p.Id] = p.Batch;
                        break;
                    case CandidateEvaluated v:
                        pendingBatch.Remove(v.Id);
                        break;
                    case CandidateFailed { Final: true } f:
                        pendingBatch.Remove(f.Id);
                        break;
                }
            }
            var sizes = run.Log.OfType<CandidateProposed>().GroupBy(p => p.Batch).OrderBy(g => g.Key).Select(g => (g.Key, Count: g.Count())).ToList();
            Assert.Equal(Enumerable.Range(0, sizes.Count), sizes.Select(x => x.Key));
            Assert.All(sizes.SkipLast(1), x => Assert.Equal(b, x.Count));
            Assert.InRange(sizes[^1].Count, 1, b);
            Assert.InRange(run.State.BatchIndex, sizes.Count - 1, sizes.Count);
        }, iter: 150);
        coverage.Require("next batch");
    }

    [Fact]
    public void In_continuous_mode_every_proposal_is_in_batch_zero() =>
        Scenarios.Any().Select(s => s with { Config = s.Config with { Mode = SchedulingMode.Continuous } }).Sample(s =>
        {
            var run = SearchRun.Execute(s);
            Assert.All(run.Log.OfType<CandidateProposed>(), p => Assert.Equal(0, p.Batch));
            Assert.Equal(0, run.State.BatchIndex);
            Assert.Equal(0, run.State.BatchProposed);
        }, iter: 100);
}
