using ActorNas.Actors.Configuration;
using ActorNas.Actors.Search;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Events;
using Akka.Configuration;
using Xunit;
using Xunit.Abstractions;

namespace ActorNas.Actors.Tests;

/// <summary>
/// Evaluations that never end: with a fixed timeout or `timeout = auto` the search completes, a slot is never lost,
/// no candidate is recorded twice, and an evaluator that ignores cancellation is replaced, not run beside new work.
/// </summary>
public sealed class HungEvaluatorTests(ITestOutputHelper output) : SqliteTestKit(output)
{
    /// <summary>
    /// Fast, except the first attempt of every 25th candidate, which ignores its token and blocks its thread for
    /// <see cref="HangFor"/> (a native call that cannot be interrupted); counts evaluations running on each instance at once.
    /// </summary>
    private sealed class Stubborn(Counters counters) : IEvaluator
    {
        public static readonly TimeSpan HangFor = TimeSpan.FromSeconds(8);
        private int _running;

        public Task<EvaluationResult> EvaluateAsync(Candidate candidate, EvaluationContext context, CancellationToken cancellationToken) =>
            // its own thread, as the Torch evaluators do: a hang must not starve the thread pool the actors run on
            Task.Factory.StartNew(() =>
            {
                var now = Interlocked.Increment(ref _running);
                counters.MaxConcurrentPerInstance = Math.Max(counters.MaxConcurrentPerInstance, now);
                try
                {
                    if (candidate.Attempt == 1 && candidate.Id % 25 == 0)
                    {
                        Interlocked.Increment(ref counters.Hung);
                        Thread.Sleep(HangFor);
                    }
                    else
                    {
                        Thread.Sleep(5);
                    }
                    return new EvaluationResult(candidate.Genotype.Sum() / 30.0);
                }
                finally
                {
                    Interlocked.Decrement(ref _running);
                }
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private sealed class Counters
    {
        public int Created;
        public int Hung;
        public int MaxConcurrentPerInstance;
    }

    private async Task Run(string id, string limits)
    {
        var settings = ActorNasSettings.From(ActorNasConfig.Combine(ConfigurationFactory.ParseString($$"""
            actornas.search { budget = 150, population-size = 10, sample-size = 3, max-attempts = 3 }
            actornas.evaluator { workers = 3, abandon-after = 200ms, request-retry = 1s }
            {{limits}}
            """)));
        var counters = new Counters();
        var session = SearchSession.Start(Sys, new SearchSessionOptions(id, settings.Search, true, settings, _ =>
        {
            Interlocked.Increment(ref counters.Created);
            return new Stubborn(counters);
        }, "node"));
        var outcome = await session.Completion.WaitAsync(TimeSpan.FromSeconds(90));
        await session.DisposeAsync();

        Assert.True(outcome.Completed, outcome.Error);
        Assert.Equal(150, outcome.Status!.Evaluated);
        Assert.True(counters.Hung >= 4, $"only {counters.Hung} evaluations hung");
        Assert.Equal(1, counters.MaxConcurrentPerInstance);   // a hung evaluation never runs beside the slot's next one

        var log = await ReadLogAsync(id);
        var evaluated = log.OfType<CandidateEvaluated>().Select(e => e.Id).ToList();
        Assert.Equal(evaluated.Count, evaluated.Distinct().Count());
        var timeouts = log.OfType<CandidateFailed>().Where(f => f.Reason.StartsWith("timeout after", StringComparison.Ordinal)).ToList();
        // only hung attempts time out, and each was abandoned (it ignores its token) and its evaluator replaced
        Assert.All(timeouts, t => Assert.True(t.Id % 25 == 0 && t.Attempt == 1, $"candidate {t.Id} attempt {t.Attempt} timed out"));
        Assert.All(timeouts, t => Assert.Contains("was replaced", t.Reason));
        Assert.True(timeouts.Count >= 3, $"only {timeouts.Count} of {counters.Hung} hung evaluations timed out");
        Assert.Equal(3 + timeouts.Count, counters.Created);  // one evaluator per slot, and a new one per abandoned evaluation
        // every slot kept working: each of the three took work after the first abandonment
        var firstTimeout = timeouts.Min(t => t.At);
        Assert.Equal(3, log.OfType<CandidateStarted>().Where(s => s.At > firstTimeout).Select(s => s.Worker).Distinct().Count());
    }

    [Fact]
    public Task A_fixed_timeout_abandons_evaluators_that_ignore_cancellation_and_the_search_completes() =>
        Run("hung-fixed", "actornas.evaluator.timeout = 500ms");

    [Fact]
    public Task Timeout_auto_learns_the_limit_from_the_search_and_the_search_completes() =>
        Run("hung-auto", "actornas.evaluator { timeout = auto, auto-timeout-floor = 500ms }");
}
