using System.Diagnostics;
using ActorNas.Actors.Evaluators;
using ActorNas.Actors.Tabular;
using ActorNas.Core;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;
using ActorNas.Core.Tabular;
using ActorNas.Tests.Shared;
using Xunit;
using Xunit.Abstractions;

namespace ActorNas.Actors.Tests.Evaluators;

/// <summary>The stated duration model of the tabular evaluator.</summary>
public sealed class DurationModelTests
{
    private static readonly NetworkCost Cost = new(100e6, 1e6);   // 100 MFLOPs

    [Fact]
    public void Seconds_are_deterministic_for_a_seed_and_candidate_id()
    {
        var a = new DurationModel();
        var b = new DurationModel();
        for (var id = 1; id <= 200; id++)
            Assert.Equal(a.Seconds(Cost, 42, id), b.Seconds(Cost, 42, id));
    }

    [Fact]
    public void Different_candidate_ids_and_different_seeds_give_different_durations()
    {
        var model = new DurationModel();
        var byId = Enumerable.Range(1, 1_000).Select(id => model.Seconds(Cost, 42, id)).ToList();
        Assert.Equal(byId.Count, byId.Distinct().Count());
        Assert.NotEqual(model.Seconds(Cost, 42, 7), model.Seconds(Cost, 43, 7));
        Assert.All(byId, s => Assert.True(s > 0, $"duration {s} is not positive"));
    }

    [Fact]
    public void With_sigma_zero_the_duration_is_exactly_seconds_per_megaflop_times_megaflops()
    {
        foreach (var rate in new[] { 1.0, 0.25, 3.5 })
        {
            var model = new DurationModel(rate, Sigma: 0);
            for (var id = 1; id <= 50; id++)
                Assert.Equal(rate * Cost.MegaFlops, model.Seconds(Cost, id * 13, id));
        }
    }

    [Fact]
    public void The_noise_factor_has_mean_one_and_the_configured_spread()
    {
        var model = new DurationModel(1.0, Sigma: 0.2);
        var unit = new NetworkCost(1e6, 0);   // 1 MFLOP at 1 s/MFLOP: the duration is the factor
        var factors = Enumerable.Range(1, 20_000).Select(id => model.Seconds(unit, 5, id)).ToList();
        var mean = factors.Average();
        Assert.InRange(mean, 0.98, 1.02);
        var logs = factors.Select(x => Math.Log(x)).ToList();
        var logMean = logs.Average();
        var logSd = Math.Sqrt(logs.Sum(x => (x - logMean) * (x - logMean)) / (logs.Count - 1));
        Assert.InRange(logSd, 0.19, 0.21);
        Assert.InRange(logMean, -0.02 - 0.01, -0.02 + 0.01);   // -sigma^2/2
    }

    [Theory]
    [InlineData(0.0, 0.2)]
    [InlineData(-1.0, 0.2)]
    [InlineData(double.NaN, 0.2)]
    [InlineData(double.PositiveInfinity, 0.2)]
    [InlineData(1.0, -0.1)]
    [InlineData(1.0, double.NaN)]
    [InlineData(1.0, double.PositiveInfinity)]
    public void Validate_rejects_a_non_positive_rate_and_a_negative_or_non_finite_sigma(double rate, double sigma) =>
        Assert.Throws<ArgumentException>(() => new DurationModel(rate, sigma).Validate());
}

/// <summary>The tabular evaluator: a look-up plus a simulated duration.</summary>
public sealed class TabularEvaluatorTests(ITestOutputHelper output)
{
    private static EvaluationContext Context(long seed) => new("search-1", Nb201Space.Instance, seed, "w0", "node-a", 0);

    private static IEnumerable<Genotype> SomeCells(int count, long seed) =>
        Enumerable.Range(1, count).Select(i => Mutator.RandomGenotype(Nb201Space.Instance, DeterministicRandom.For(seed, i, RandomPurpose.RandomGenotype)));

    [Theory]
    [InlineData(Nb201Dataset.Cifar10)]
    [InlineData(Nb201Dataset.Cifar100)]
    [InlineData(Nb201Dataset.ImageNet16)]
    public void The_objective_is_the_datasets_validation_accuracy_and_the_metrics_carry_test_accuracy_duration_and_cost(Nb201Dataset dataset)
    {
        var table = Nb201Tables.Synthetic;
        var evaluator = new TabularEvaluator(table, new TabularSettings(dataset));
        var duration = new DurationModel();
        var id = 0L;
        foreach (var cell in SomeCells(200, 3).Append(Nb201Table.CellAt(0)).Append(Nb201Table.CellAt(15_624)))
        {
            id++;
            var index = Nb201Table.IndexOf(cell);
            var simulated = evaluator.Simulate(new Candidate(id, null, cell, 1), 11);
            var result = simulated.Result;
            var cost = Nb201Skeleton.For(dataset).Cost(cell);
            Assert.Equal(Nb201Tables.SyntheticValid(index, dataset), result.Objective);
            var metrics = result.Metrics!;
            Assert.Equal(Nb201Tables.SyntheticValid(index, dataset), metrics["validAccuracy"]);
            Assert.Equal(Nb201Tables.SyntheticTest(index, dataset), metrics["testAccuracy"]);
            Assert.Equal(duration.Seconds(cost, 11, id), metrics["simulatedSeconds"]);
            Assert.Equal(simulated.Seconds, metrics["simulatedSeconds"]);
            Assert.Equal(cost.MegaFlops, metrics["megaFlops"]);
            Assert.Equal(cost.MegaParameters, metrics["megaParameters"]);
        }
    }

    [Fact]
    public void On_the_real_table_the_objective_is_the_validation_accuracy_never_the_test_accuracy()
    {
        var table = Nb201TableLoader.Shipped;
        foreach (var dataset in Nb201Datasets.All)
        {
            var evaluator = new TabularEvaluator(table, new TabularSettings(dataset));
            var differs = 0;
            foreach (var cell in SomeCells(300, 8))
            {
                var entry = table.Lookup(cell, dataset);
                var result = evaluator.Simulate(new Candidate(1, null, cell, 1), 1).Result;
                Assert.Equal(entry.ValidAccuracy, result.Objective);
                Assert.Equal(entry.TestAccuracy, result.Metrics!["testAccuracy"]);
                if (entry.ValidAccuracy != entry.TestAccuracy) differs++;
            }
            Assert.True(differs > 250, $"valid and test accuracy coincide too often on {dataset} ({300 - differs} of 300)");
        }
        // the best cell on CIFAR-10 by test accuracy: the evaluator reports its validation accuracy as the objective
        var best = Enumerable.Range(0, Nb201Table.CellCount).Select(Nb201Table.CellAt)
            .MaxBy(c => table.Lookup(c, Nb201Dataset.Cifar10).TestAccuracy)!;
        var answer = new TabularEvaluator(table, new TabularSettings()).Simulate(new Candidate(1, null, best, 1), 0).Result;
        Assert.Equal(94.373, Math.Round(answer.Metrics!["testAccuracy"], 3));
        Assert.True(answer.Objective < 92, $"objective {answer.Objective} is not the validation accuracy");
    }

    [Fact]
    public async Task Simulate_and_EvaluateAsync_with_time_scale_zero_give_the_same_result_at_once()
    {
        var evaluator = new TabularEvaluator(Nb201Tables.Synthetic, new TabularSettings(Nb201Dataset.Cifar100));
        var clock = Stopwatch.StartNew();
        var id = 100L;
        foreach (var cell in SomeCells(100, 21))
        {
            id++;
            var candidate = new Candidate(id, 3, cell, 2);
            var simulated = evaluator.Simulate(candidate, 77).Result;
            var evaluated = await evaluator.EvaluateAsync(candidate, Context(77), CancellationToken.None);
            Assert.Equal(simulated.Objective, evaluated.Objective);
            Assert.Equal(simulated.Metrics!.OrderBy(kv => kv.Key), evaluated.Metrics!.OrderBy(kv => kv.Key));
            Assert.Equal(simulated.TransferredLayers, evaluated.TransferredLayers);
            Assert.Equal(simulated.CacheHit, evaluated.CacheHit);
        }
        // 100 simulated evaluations of 8..220 simulated seconds each: no real waiting at scale 0
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task The_search_seed_comes_from_the_context_and_keys_the_duration()
    {
        var evaluator = new TabularEvaluator(Nb201Tables.Synthetic, new TabularSettings());
        var candidate = new Candidate(5, null, Nb201Table.CellAt(1234), 1);
        var a = await evaluator.EvaluateAsync(candidate, Context(1), CancellationToken.None);
        var b = await evaluator.EvaluateAsync(candidate, Context(2), CancellationToken.None);
        Assert.Equal(evaluator.Simulate(candidate, 1).Seconds, a.Metrics!["simulatedSeconds"]);
        Assert.Equal(evaluator.Simulate(candidate, 2).Seconds, b.Metrics!["simulatedSeconds"]);
        Assert.NotEqual(a.Metrics["simulatedSeconds"], b.Metrics["simulatedSeconds"]);
        Assert.Equal(a.Objective, b.Objective);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(12)]
    public async Task A_genotype_of_the_wrong_length_is_refused_with_a_message_naming_the_space(int length)
    {
        var evaluator = new TabularEvaluator(Nb201Tables.Synthetic, new TabularSettings());
        var candidate = new Candidate(9, null, new Genotype(Enumerable.Repeat(1, length)), 1);
        var e = Assert.Throws<ArgumentException>(() => evaluator.Simulate(candidate, 1));
        Assert.Contains("candidate 9", e.Message, StringComparison.Ordinal);
        Assert.Contains($"has {length}", e.Message, StringComparison.Ordinal);
        Assert.Contains("nb201", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => evaluator.EvaluateAsync(candidate, Context(1), CancellationToken.None));
    }

    [Fact]
    public async Task A_positive_time_scale_sleeps_the_simulated_seconds_times_the_scale()
    {
        var cell = new Genotype([1, 1, 1, 1, 1, 1]);   // conv-free: 7.78 simulated seconds with sigma 0
        const double scale = 0.01;
        var evaluator = new TabularEvaluator(Nb201Tables.Synthetic,
            new TabularSettings(TimeScale: scale, Duration: new DurationModel(1.0, Sigma: 0)));
        var expected = TimeSpan.FromSeconds(Nb201Skeleton.Cifar10.Cost(cell).MegaFlops * scale);   // about 78 ms
        var clock = Stopwatch.StartNew();
        var result = await evaluator.EvaluateAsync(new Candidate(1, null, cell, 1), Context(1), CancellationToken.None);
        clock.Stop();
        output.WriteLine($"expected about {expected.TotalMilliseconds:F1} ms, took {clock.Elapsed.TotalMilliseconds:F1} ms");
        Assert.True(clock.Elapsed >= expected * 0.8, $"slept {clock.Elapsed.TotalMilliseconds} ms, expected about {expected.TotalMilliseconds} ms");
        Assert.Equal(Nb201Skeleton.Cifar10.Cost(cell).MegaFlops, result.Metrics!["simulatedSeconds"]);
    }

    [Fact]
    public async Task A_sleeping_evaluation_honours_cancellation()
    {
        var evaluator = new TabularEvaluator(Nb201Tables.Synthetic, new TabularSettings(TimeScale: 10));   // minutes of sleep
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => evaluator.EvaluateAsync(new Candidate(1, null, Nb201Table.CellAt(77), 1), Context(1), cancel.Token));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"cancellation took {clock.Elapsed}");
    }

    [Theory]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_negative_or_non_finite_time_scale_is_refused(double scale)
    {
        var e = Assert.Throws<ArgumentException>(() => new TabularEvaluator(Nb201Tables.Synthetic, new TabularSettings(TimeScale: scale)));
        Assert.Contains("time-scale", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_duration_model_is_refused_when_the_evaluator_is_made() =>
        Assert.Throws<ArgumentException>(() => new TabularEvaluator(Nb201Tables.Synthetic,
            new TabularSettings(Duration: new DurationModel(SecondsPerMegaFlop: 0))));
}
