using ActorNas.Analysis.Tests.TestSupport;
using Xunit;

namespace ActorNas.Analysis.Tests;

/// <summary>A candidate is released from w1, re-issued to w2, and w1's late result is the one recorded.</summary>
public sealed class LateResultTests
{
    [Fact]
    public void A_late_result_belongs_to_the_worker_that_sent_it_and_the_reissued_attempt_is_superseded()
    {
        var log = new LogBuilder(3)
            .ProposeRandom(1, "0,1,2,3,4,0", 0).Start(1, "w1", 0)
            .Release(1, 2)                      // w1 looked dead
            .Start(1, "w2", 3)                  // re-issued
            .Evaluate(1, 0.8, 0, 4, "w1");      // but w1's result arrives first and is recorded
        var fold = log.Fold();

        Assert.Equal(
        [
            new WorkerTask(1, "w1", "node-w1", 0, 2, TaskOutcome.Released),
            new WorkerTask(1, "w2", "node-w2", 3, 4, TaskOutcome.Superseded),
            new WorkerTask(1, "w1", "node-w1", 0, 4, TaskOutcome.Evaluated),
        ], fold.Tasks);
        Assert.Equal("w1", Assert.Single(fold.Evaluations).Worker);
    }
}
