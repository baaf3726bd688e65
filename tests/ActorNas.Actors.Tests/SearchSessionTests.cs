using ActorNas.Actors.Configuration;
using ActorNas.Actors.Evaluators;
using ActorNas.Actors.Search;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Events;
using Akka.Configuration;
using Xunit;
using Xunit.Abstractions;

namespace ActorNas.Actors.Tests;

/// <summary>The whole supervision tree with real evaluator slots.</summary>
public sealed class SearchSessionTests(ITestOutputHelper output) : SqliteTestKit(output)
{
    /// <summary>Throws, returns NaN, or hangs, depending on the candidate; succeeds on a later attempt.</summary>
    private sealed class TroublesomeEvaluator : IEvaluator
    {
        public async Task<EvaluationResult> EvaluateAsync(Candidate candidate, EvaluationContext context, CancellationToken cancellationToken)
        {
            if (candidate.Attempt == 1)
            {
                switch (candidate.Id % 4)
                {
                    case 1: throw new InvalidOperationException("evaluator exploded");
                    case 2: return new EvaluationResult(double.NaN);
                    case 3: await Task.Delay(TimeSpan.FromMinutes(5), cancellationToken); break;
                }
            }
            return new EvaluationResult(candidate.Genotype.Sum() / 30.0);
        }
    }

    private static ActorNasSettings Settings(string hocon) =>
        ActorNasSettings.From(ActorNasConfig.Combine(ConfigurationFactory.ParseString(hocon)));

    [Fact]
    public async Task Exceptions_NaN_and_timeouts_are_failed_attempts_and_the_search_still_completes()
    {
        var settings = Settings("""
            actornas.search { budget = 12, population-size = 4, sample-size = 2, max-attempts = 3 }
            actornas.evaluator { workers = 3, timeout = 300ms }
            """);
        var session = SearchSession.Start(Sys, new SearchSessionOptions("trouble", settings.Search, true, settings, _ => new TroublesomeEvaluator(), "node"));
        var outcome = await session.Completion.WaitAsync(TimeSpan.FromSeconds(60));
        await session.DisposeAsync();

        Assert.True(outcome.Completed, outcome.Error);
        Assert.Equal(12, outcome.Status!.Evaluated);
        var failures = (await ReadLogAsync("trouble")).OfType<CandidateFailed>().ToList();
        Assert.Contains(failures, f => f.Reason.Contains("evaluator exploded"));
        Assert.Contains(failures, f => f.Reason.Contains("NaN"));
        Assert.Contains(failures, f => f.Reason.Contains("timeout"));
        Assert.DoesNotContain(failures, f => f.Final);
    }

    [Fact]
    public async Task The_synthetic_evaluator_runs_a_whole_search_and_the_log_replays_to_the_same_result()
    {
        var settings = Settings("""
            actornas.search { budget = 200, population-size = 20, sample-size = 5 }
            actornas.evaluator { workers = 8, synthetic { duration = lognormal, mean = 2ms, failure-rate = 0.05 } }
            """);
        var session = SearchSession.Start(Sys, new SearchSessionOptions("synthetic", settings.Search, true, settings,
            slot => new SyntheticEvaluator(settings.Evaluator.Synthetic), "node"));
        var outcome = await session.Completion.WaitAsync(TimeSpan.FromSeconds(60));
        await session.DisposeAsync();

        Assert.True(outcome.Completed, outcome.Error);
        var log = await ReadLogAsync("synthetic");
        var replayed = Core.Evolution.SearchState.Replay(log);
        Assert.Equal(200, replayed.Evaluated);
        Assert.Equal(outcome.Status!.Best, replayed.Best);
        Assert.Equal(log.OfType<CandidateEvaluated>().Count(), log.OfType<CandidateEvaluated>().Select(e => e.Id).Distinct().Count());
        Assert.Equal(8, log.OfType<CandidateStarted>().Select(s => s.Worker).Distinct().Count());
    }
}
