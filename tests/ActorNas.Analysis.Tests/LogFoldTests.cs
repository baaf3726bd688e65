using ActorNas.Analysis.Tests.TestSupport;
using ActorNas.Core.Events;
using Xunit;

namespace ActorNas.Analysis.Tests;

public sealed class LogFoldTests
{
    private const double Eps = 1e-12;

    [Fact]
    public void A_log_that_does_not_begin_with_SearchStarted_is_rejected()
    {
        var log = new LogBuilder(3).ProposeRandom(1, "0,1,2,3,4,0", 1);
        var fold = new LogFold();
        var error = Assert.Throws<InvalidOperationException>(() => fold.Apply(log.Events[1]));
        Assert.Contains("SearchStarted", error.Message, StringComparison.Ordinal);
        Assert.Null(fold.Started);
        Assert.Equal(0, fold.EventCount);
    }

    [Fact]
    public void Proposals_are_found_by_id_and_equal_genotypes_are_kept_once()
    {
        var fold = new LogBuilder(3).ProposeRandom(1, "0,1,2,3,4,0", 1).ProposeRandom(2, "1,1,1,1,1,1", 2)
            .ProposeRandom(3, "0,1,2,3,4,0", 3).Fold();
        Assert.Equal(3, fold.ProposalsById.Count);
        Assert.Equal(1, fold.ProposalsById[2].Index);
        Assert.False(fold.ProposalsById.ContainsKey(4));
        Assert.False(fold.ProposalsById.ContainsKey(0));
        Assert.Same(fold.ProposalsById[1].Genotype, fold.ProposalsById[3].Genotype);
        Assert.Same(fold.ProposalsById[3].Genotype, fold.Trace.Records.Last().Genotype);
        Assert.NotSame(fold.ProposalsById[1].Genotype, fold.ProposalsById[2].Genotype);
    }

    [Fact]
    public void Proposals_whose_ids_do_not_increase_are_still_found()
    {
        var fold = new LogBuilder(3).ProposeRandom(5, "0,1,2,3,4,0", 1).ProposeRandom(2, "1,1,1,1,1,1", 2).Fold();
        Assert.Equal(0, fold.ProposalsById[5].Index);
        Assert.Equal(1, fold.ProposalsById[2].Index);
        Assert.False(fold.ProposalsById.ContainsKey(3));
        Assert.Equal(new long[] { 5, 2 }, fold.ProposalsById.Keys);
    }

    [Fact]
    public void Started_completed_event_count_and_last_event_time()
    {
        var log = new LogBuilder(3, budget: 1)
            .ProposeRandom(1, "0,1,2,3,4,0", 1).Start(1, "w1", 1.5)
            .Evaluate(1, 0.5, 1.5, 4.25, "w1");
        var fold = log.Fold();
        Assert.NotNull(fold.Started);
        Assert.Equal(LogBuilder.Epoch, fold.Started!.At);
        Assert.Equal("budget", fold.Completed!.Reason);
        Assert.Equal(5, fold.EventCount);   // started, proposed, started, evaluated, completed
        Assert.Equal(4.25, fold.LastEventTime, Eps);
        Assert.Equal("nb201", fold.Space.Name);
    }

    [Fact]
    public void Proposals_are_indexed_in_log_order_even_when_a_higher_id_comes_first()
    {
        // Reservation style: ids 3 and 4 are reserved together; 4's mutation is computed first, so 4 is proposed
        // (and started) before 3 is proposed. The proposal index is the log order, not the id order.
        var log = new LogBuilder(2)
            .ProposeRandom(1, "0,0,0,0,0,0", 0).Start(1, "w1", 0)
            .ProposeRandom(2, "1,1,1,1,1,1", 0).Start(2, "w2", 0)
            .Evaluate(1, 0.4, 0, 2, "w1").Evaluate(2, 0.6, 0, 3, "w2")
            .ProposeChild(4, 2, 5, 3, 4).Start(4, "w2", 4)
            .ProposeChild(3, 1, 0, 2, 5).Start(3, "w1", 5);
        var fold = log.Fold();

        Assert.Equal([1L, 2, 4, 3], fold.Proposals.Select(p => p.Id));
        Assert.Equal([0, 1, 2, 3], fold.Proposals.Select(p => p.Index));
        Assert.Equal([0.0, 0, 4, 5], fold.Proposals.Select(p => p.At));
        var four = fold.Proposals[2];
        Assert.Equal(2L, four.ParentId);
        Assert.Equal(new ActorNas.Core.Evolution.Mutation(5, 1, 3), four.Mutation);
        Assert.Equal(log.G("1,1,1,1,1,3"), four.Genotype);
        Assert.Null(fold.Proposals[0].ParentId);
        Assert.Null(fold.Proposals[0].Mutation);
    }

    [Fact]
    public void Evaluations_keep_the_order_their_results_were_recorded()
    {
        // 2's result is recorded first although 1 finished earlier (its worker's clock says 2.0 < 3.0)
        var log = new LogBuilder(3)
            .ProposeRandom(1, "0,0,0,0,0,0", 0).Start(1, "w1", 0)
            .ProposeRandom(2, "1,1,1,1,1,1", 0.5).Start(2, "w2", 0.5)
            .Evaluate(2, 0.7, 0.5, 3, "w2")
            .Evaluate(1, 0.2, 0, 2, "w1");
        var fold = log.Fold();

        Assert.Equal(
            [new Evaluation(2, 0.5, 3, 0.7, "w2"), new Evaluation(1, 0, 2, 0.2, "w1")],
            fold.Evaluations);
    }

    [Fact]
    public void A_failed_attempt_retried_elsewhere_gives_two_tasks_a_release_one_and_a_running_one_is_unfinished()
    {
        var log = new LogBuilder(3)
            .ProposeRandom(1, "0,1,2,3,4,0", 1).Start(1, "w1", 1)
            .Fail(1, "w1", 2)                                          // attempt 1 fails on w1
            .ProposeRandom(2, "4,4,4,4,4,4", 2.5).Start(2, "w1", 2.5)
            .Start(1, "w2", 3)                                         // attempt 2 on w2
            .Release(2, 4)                                             // w1 lost
            .Start(2, "w1", 5)                                         // 2 again, still running at the end
            .Evaluate(1, 0.9, 3, 6, "w2")
            .ProposeRandom(3, "2,2,2,2,2,2", 7);                       // the last event, at 7 s
        var fold = log.Fold();

        Assert.Equal(7.0, fold.LastEventTime, Eps);
        Assert.Equal(
        [
            new WorkerTask(1, "w1", "node-w1", 1, 2, TaskOutcome.Failed),
            new WorkerTask(2, "w1", "node-w1", 2.5, 4, TaskOutcome.Released),
            new WorkerTask(1, "w2", "node-w2", 3, 6, TaskOutcome.Evaluated),
            new WorkerTask(2, "w1", "node-w1", 5, 7, TaskOutcome.Unfinished),
        ], fold.Tasks);
        Assert.Equal([1.0, 1.5, 3, 2], fold.Tasks.Select(t => t.Duration));

        var one = fold.Trace.Records.Single(r => r.Id == 1);
        Assert.Equal(2, one.Starts);
        Assert.Equal(CandidateStatus.Evaluated, one.Status);
    }

    [Fact]
    public void A_candidate_queued_at_a_busy_slot_starts_when_the_slot_is_free_and_a_cancelled_one_ends_as_cancelled()
    {
        // lookahead: w1 is handed 2 while it evaluates 1, and 3 while it evaluates 2; 2's result reaches the budget, and
        // then (as the Population records it) 3, queued at w1, and 4, running on w2, are cancelled
        var log = new LogBuilder(3)
            .ProposeRandom(1, "0,1,2,3,4,0", 0).Start(1, "w1", 0)
            .ProposeRandom(2, "4,4,4,4,4,4", 0.5).Start(2, "w1", 0.5)
            .Evaluate(1, 0.5, 0, 2, "w1")
            .ProposeRandom(3, "2,2,2,2,2,2", 2.5).Start(3, "w1", 2.5)
            .ProposeRandom(4, "1,1,1,1,1,1", 2.6).Start(4, "w2", 2.6)
            .Evaluate(2, 0.7, 2, 5, "w1")
            .Cancel(3, 5).Cancel(4, 5).Complete(5);
        var fold = log.Fold();

        Assert.Equal(
        [
            new WorkerTask(1, "w1", "node-w1", 0, 2, TaskOutcome.Evaluated),
            new WorkerTask(2, "w1", "node-w1", 2, 5, TaskOutcome.Evaluated),   // from when 1 ended, not from its hand-out at 0.5
            new WorkerTask(3, "w1", "node-w1", 5, 5, TaskOutcome.Cancelled),   // never ran: w1 was busy until the cancel
            new WorkerTask(4, "w2", "node-w2", 2.6, 5, TaskOutcome.Cancelled),
        ], fold.Tasks);
        Assert.Equal(CandidateStatus.Cancelled, fold.Trace.Records.Single(r => r.Id == 3).Status);
    }

    [Fact]
    public void A_final_failure_ends_its_task_and_nothing_stays_running()
    {
        var log = new LogBuilder(3, maxAttempts: 2)
            .ProposeRandom(1, "0,1,2,3,4,0", 0).Start(1, "w1", 0)
            .Fail(1, "w1", 1)
            .Start(1, "w2", 2)
            .Fail(1, "w2", 3.5);                                       // attempt 2 of 2: final
        var fold = log.Fold();

        Assert.Equal(
        [
            new WorkerTask(1, "w1", "node-w1", 0, 1, TaskOutcome.Failed),
            new WorkerTask(1, "w2", "node-w2", 2, 3.5, TaskOutcome.Failed),
        ], fold.Tasks);
        Assert.Equal(CandidateStatus.Failed, fold.Trace.Records.Single().Status);
        Assert.Empty(fold.Evaluations);
        Assert.Empty(fold.PopulationMedian);
    }

    [Fact]
    public void A_result_without_a_recorded_start_keeps_what_the_result_says()
    {
        // the state machine accepts a result for a pending candidate whose start is not in the log
        var log = new LogBuilder(3)
            .ProposeRandom(1, "0,1,2,3,4,0", 0)
            .Evaluate(1, 0.3, 1, 2.5, "w9", node: "far");
        var fold = log.Fold();
        Assert.Equal([new WorkerTask(1, "w9", "far", 1, 2.5, TaskOutcome.Evaluated)], fold.Tasks);
    }

    [Fact]
    public void Population_median_after_each_result_with_retirement_beyond_P()
    {
        // P = 3. Results 0.4, 0.8, 0.6, 0.1, 0.2, 0.9 at 1..6 s; from the 4th on the oldest member retires first.
        //   [0.4]            -> 0.4
        //   [0.4 0.8]        -> 0.6
        //   [0.4 0.8 0.6]    -> 0.6
        //   [0.8 0.6 0.1]    -> 0.6   (0.4 retired)
        //   [0.6 0.1 0.2]    -> 0.2   (0.8 retired; without retirement it would be 0.4)
        //   [0.1 0.2 0.9]    -> 0.2   (0.6 retired; without retirement 0.5)
        var objectives = new[] { 0.4, 0.8, 0.6, 0.1, 0.2, 0.9 };
        var log = new LogBuilder(3);
        for (var i = 0; i < objectives.Length; i++)
        {
            var id = i + 1;
            log.ProposeRandom(id, $"{i % 5},0,0,0,0,0", id - 1).Start(id, "w1", id - 1).Evaluate(id, objectives[i], id - 1, id, "w1");
        }
        var fold = log.Fold();

        Assert.Equal([1.0, 2, 3, 4, 5, 6], fold.PopulationMedian.Select(p => p.Time));
        var expected = new[] { 0.4, 0.6, 0.6, 0.6, 0.2, 0.2 };
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], fold.PopulationMedian[i].Value, Eps);

        // the builder wrote the retirements: 1, 2, 3 at the times 4, 5, 6 of the results that displaced them
        Assert.Equal([1L, 2, 3], log.Events.OfType<CandidateRetired>().Select(r => r.Id));
        Assert.Equal(LogBuilder.At(4), fold.Trace.Records.Single(r => r.Id == 1).RetiredAt);
    }
}
