using ActorNas.Core.Evaluation;
using ActorNas.Core.Events;
using ActorNas.Core.Evolution;
using ActorNas.Core.Simulation;
using ActorNas.Core.Spaces;
using ActorNas.Core.Tests.TestSupport;
using Xunit;

namespace ActorNas.Core.Tests;

/// <summary>A failure the evaluator calls permanent is final at once; others are retried up to max attempts.</summary>
public sealed class PermanentFailureTests
{
    private static readonly SearchSettings Config = new()
    {
        Space = new SearchSpaceSpec(Nb201Space.SpaceName), PopulationSize = 3, SampleSize = 2, Budget = 6, MaxAttempts = 3, Seed = 4,
    };

    /// <summary>Fails permanently every candidate whose first edge is none; others answer 1 after 1 simulated second.</summary>
    private sealed class PickyEvaluator : ISimulatedEvaluator
    {
        public int Calls;

        public SimulatedEvaluation Simulate(Candidate candidate, long seed)
        {
            Calls++;
            if (candidate.Genotype[0] == 0) throw new PermanentEvaluationException("first edge is none");
            return new SimulatedEvaluation(new EvaluationResult(1), 1);
        }
    }

    [Fact]
    public void A_permanent_failure_is_final_at_the_first_attempt()
    {
        var state = SearchState.Replay([]);
        foreach (var e in state.Start(Config, DateTimeOffset.UnixEpoch)) state.Apply(e);
        var assign = Assert.IsType<AssignCandidate>(state.Assign("w", "n", DateTimeOffset.UnixEpoch));
        foreach (var e in assign.Events) state.Apply(e);

        var failed = Assert.IsType<CandidateFailed>(Assert.Single(state.Fail(assign.Candidate.Id, "undefined score", "w", DateTimeOffset.UnixEpoch, permanent: true)));
        Assert.True(failed.Final);
        Assert.Equal(1, failed.Attempt);

        var ordinary = Assert.IsType<CandidateFailed>(Assert.Single(state.Fail(assign.Candidate.Id, "flaky", "w", DateTimeOffset.UnixEpoch)));
        Assert.False(ordinary.Final);
    }

    [Fact]
    public void A_simulated_search_does_not_retry_permanent_failures()
    {
        var evaluator = new PickyEvaluator();
        var result = SimulatedSearch.Run(Config, evaluator, workers: 1);
        var failures = result.Events.OfType<CandidateFailed>().ToList();
        Assert.NotEmpty(failures);
        Assert.All(failures, f => Assert.True(f.Final && f.Attempt == 1));
        Assert.Equal(Config.Budget + failures.Count, evaluator.Calls);
        Assert.Equal(Config.Budget, result.State.Evaluated);
    }
}
