using ActorNas.Actors.Evaluators;
using ActorNas.Actors.Protocol;
using ActorNas.Core;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Spaces;
using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorNas.Actors.Tests.Evaluators;

/// <summary>An evaluator slot on its own, with a probe as its Population.</summary>
public sealed class EvaluatorSlotTests : TestKit
{
    /// <summary>Counts evaluations per candidate; each one waits until the test lets it finish.</summary>
    private sealed class Gated : IEvaluator
    {
        public readonly TaskCompletionSource Release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly System.Collections.Concurrent.ConcurrentDictionary<long, int> Evaluations = new();

        public async Task<EvaluationResult> EvaluateAsync(Candidate candidate, EvaluationContext context, CancellationToken cancellationToken)
        {
            Evaluations.AddOrUpdate(candidate.Id, 1, (_, n) => n + 1);
            await Release.Task.ConfigureAwait(false);
            return new EvaluationResult(0.5);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void A_candidate_assigned_twice_while_the_slot_evaluates_it_is_evaluated_and_reported_once(int lookahead)
    {
        // a slot whose request went unanswered for request-retry asks again, and the Population, which releases what an
        // asking slot holds, hands the same candidate out once more: both assignments can reach the slot
        var population = CreateTestProbe();
        var evaluator = new Gated();
        var space = new Nb201Space();
        var context = new EvaluationContext("twice", space, 1, "node/slot-0", "node", 0);
        var limits = new SlotLimits(null, false, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(200), TimeSpan.FromMinutes(1), lookahead);
        var slot = Sys.ActorOf(EvaluatorActor.Props(population.Ref, () => evaluator, context, limits));
        population.ExpectMsg<RequestWork>();

        var candidate = new Candidate(7, null, new Genotype([0, 1, 2, 3, 4, 0]), 1);
        slot.Tell(new WorkAssigned(candidate), population.Ref);
        AwaitCondition(() => evaluator.Evaluations.ContainsKey(7));
        slot.Tell(new WorkAssigned(candidate), population.Ref);
        evaluator.Release.SetResult();

        Assert.Equal(7, population.ExpectMsg<WorkDone>().CandidateId);
        population.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
        Assert.Equal(1, evaluator.Evaluations[7]);
    }
}
