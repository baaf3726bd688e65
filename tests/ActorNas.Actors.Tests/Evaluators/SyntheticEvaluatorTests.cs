using System.Diagnostics;
using ActorNas.Actors.Evaluators;
using ActorNas.Core;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;
using Xunit;

namespace ActorNas.Actors.Tests.Evaluators;

public sealed class SyntheticEvaluatorTests
{
    private static EvaluationContext Context(ISearchSpace space) => new("search-1", space, 1, "w0", "node-a", 0);

    private static Task<EvaluationResult> Evaluate(SyntheticEvaluator evaluator, ISearchSpace space, long id, Genotype g, int attempt = 1) =>
        evaluator.EvaluateAsync(new Candidate(id, null, g, attempt), Context(space), CancellationToken.None);

    [Fact]
    public async Task The_same_candidate_gets_the_same_objective_from_the_landscape()
    {
        var space = Nb201Space.Instance;
        var options = new SyntheticSettings(LandscapeSeed: 17);
        var landscape = new SyntheticLandscape(space, 17);
        var a = new SyntheticEvaluator(options);
        var b = new SyntheticEvaluator(options);
        for (var id = 1; id <= 50; id++)
        {
            var g = Mutator.RandomGenotype(space, DeterministicRandom.For(1, id, RandomPurpose.RandomGenotype));
            var first = await Evaluate(a, space, id, g);
            Assert.Equal(first.Objective, (await Evaluate(a, space, id, g)).Objective);
            Assert.Equal(first.Objective, (await Evaluate(b, space, id + 1000, g, attempt: 2)).Objective);
            Assert.Equal(landscape.Score(g), first.Objective);
            Assert.InRange(first.Objective, 0.0, 1.0);
            Assert.Equal(0, first.Metrics!["durationMs"]);
        }
    }

    [Fact]
    public async Task The_failure_rate_is_roughly_honoured_and_failures_depend_on_the_attempt()
    {
        var space = Nb201Space.Instance;
        var evaluator = new SyntheticEvaluator(new SyntheticSettings(FailureRate: 0.2, LandscapeSeed: 3));
        var g = new Genotype([1, 2, 3, 4, 0, 1]);
        var failedFirst = new HashSet<long>();
        for (var id = 1; id <= 2_000; id++)
        {
            try { await Evaluate(evaluator, space, id, g); }
            catch (SyntheticFailureException e)
            {
                Assert.Contains($"candidate {id}, attempt 1", e.Message, StringComparison.Ordinal);
                failedFirst.Add(id);
            }
        }
        Assert.InRange(failedFirst.Count, 300, 500);       // expected 400, sd about 18

        var failedAgain = 0;
        foreach (var id in failedFirst)
        {
            await Assert.ThrowsAsync<SyntheticFailureException>(() => Evaluate(evaluator, space, id, g));   // deterministic
            try { await Evaluate(evaluator, space, id, g, attempt: 2); }
            catch (SyntheticFailureException) { failedAgain++; }
        }
        Assert.InRange(failedAgain, 0, failedFirst.Count / 2);   // a retry is an independent draw (about 20% fail again)
    }

    [Fact]
    public async Task No_attempt_fails_at_rate_zero()
    {
        var evaluator = new SyntheticEvaluator(new SyntheticSettings());
        for (var id = 1; id <= 500; id++)
            Assert.True(double.IsFinite((await Evaluate(evaluator, Nb201Space.Instance, id, new Genotype([0, 0, 0, 0, 0, 0]))).Objective));
    }

    [Fact]
    public async Task A_constant_duration_is_waited_and_reported()
    {
        var evaluator = new SyntheticEvaluator(new SyntheticSettings(DurationKind.Constant, MeanMs: 40));
        var clock = Stopwatch.StartNew();
        var result = await Evaluate(evaluator, Nb201Space.Instance, 1, new Genotype([0, 0, 0, 0, 0, 0]));
        Assert.True(clock.ElapsedMilliseconds >= 30, $"took {clock.ElapsedMilliseconds} ms");
        Assert.Equal(40, result.Metrics!["durationMs"]);
    }

    [Fact]
    public async Task Log_normal_durations_have_the_configured_mean_and_spread()
    {
        const double mean = 0.02, sigma = 0.5;    // tiny durations: the test must not wait
        var evaluator = new SyntheticEvaluator(new SyntheticSettings(DurationKind.LogNormal, MeanMs: mean, Sigma: sigma));
        var durations = new List<double>();
        for (var id = 1; id <= 4_000; id++)
            durations.Add((await Evaluate(evaluator, Nb201Space.Instance, id, new Genotype([0, 0, 0, 0, 0, 0]))).Metrics!["durationMs"]);

        Assert.All(durations, d => Assert.True(d > 0));
        Assert.InRange(durations.Average(), 0.95 * mean, 1.05 * mean);    // standard error about 0.8%
        var logs = durations.Select(d => Math.Log(d)).ToList();
        var logMean = logs.Average();
        var logSd = Math.Sqrt(logs.Select(l => (l - logMean) * (l - logMean)).Average());
        Assert.InRange(logSd, 0.9 * sigma, 1.1 * sigma);
        Assert.InRange(logMean, Math.Log(mean) - sigma * sigma / 2 - 0.05, Math.Log(mean) - sigma * sigma / 2 + 0.05);
    }

    [Fact]
    public async Task A_cancelled_evaluation_stops_waiting()
    {
        var evaluator = new SyntheticEvaluator(new SyntheticSettings(DurationKind.Constant, MeanMs: 60_000));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => evaluator.EvaluateAsync(
            new Candidate(1, null, new Genotype([0, 0, 0, 0, 0, 0]), 1), Context(Nb201Space.Instance), cts.Token));
        Assert.True(clock.ElapsedMilliseconds < 30_000);
    }

    [Theory]
    [InlineData(-1.0, 0.5, 0.0, "mean duration")]
    [InlineData(double.NaN, 0.5, 0.0, "mean duration")]
    [InlineData(double.PositiveInfinity, 0.5, 0.0, "mean duration")]
    [InlineData(1.0, -0.1, 0.0, "sigma")]
    [InlineData(1.0, double.NaN, 0.0, "sigma")]
    [InlineData(1.0, double.PositiveInfinity, 0.0, "sigma")]
    [InlineData(1.0, 0.5, -0.01, "failure rate")]
    [InlineData(1.0, 0.5, 1.0, "failure rate")]
    [InlineData(1.0, 0.5, double.NaN, "failure rate")]
    public void Bad_options_are_refused(double meanMs, double sigma, double failureRate, string expected)
    {
        var options = new SyntheticSettings(DurationKind.LogNormal, meanMs, sigma, failureRate);
        Assert.Contains(expected, Assert.Throws<ArgumentException>(options.Validate).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new SyntheticEvaluator(options));
    }

    [Fact]
    public void Good_options_are_accepted()
    {
        new SyntheticSettings().Validate();
        new SyntheticSettings(DurationKind.LogNormal, 0, 0, 0.999).Validate();
        Assert.Equal(0.5, new SyntheticEvaluator(new SyntheticSettings(FailureRate: 0.5)).Settings.FailureRate);
    }
}
