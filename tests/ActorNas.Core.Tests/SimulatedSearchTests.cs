using ActorNas.Core.Evaluation;
using ActorNas.Core.Events;
using ActorNas.Core.Evolution;
using ActorNas.Core.Simulation;
using ActorNas.Core.Spaces;
using ActorNas.Core.Tabular;
using ActorNas.Core.Tests.TestSupport;
using ActorNas.Tests.Shared;
using Xunit;
using Xunit.Abstractions;

namespace ActorNas.Core.Tests;

/// <summary>
/// A simulated evaluator with known answers: the objective from a synthetic landscape, a duration that depends on the
/// candidate id (1 to 11 simulated seconds, or a fixed value), and failures where told.
/// </summary>
internal sealed class KnownDurationEvaluator(ISearchSpace space, double? fixedSeconds = null, Func<Candidate, bool>? fails = null)
    : ISimulatedEvaluator
{
    private readonly SyntheticLandscape _landscape = new(space, 99);

    public List<Candidate> Calls { get; } = [];

    public static double SecondsOf(long id) => 1 + DeterministicRandom.Mix((ulong)id * 2_654_435_761UL) % 1_000 / 100.0;

    public SimulatedEvaluation Simulate(Candidate candidate, long seed)
    {
        Calls.Add(candidate);
        if (fails?.Invoke(candidate) == true) throw new InvalidOperationException($"known failure of {candidate.Id}");
        var seconds = fixedSeconds ?? SecondsOf(candidate.Id);
        var metrics = new Dictionary<string, double> { ["simulatedSeconds"] = seconds };
        return new SimulatedEvaluation(new EvaluationResult(_landscape.Score(candidate.Genotype), metrics), seconds);
    }
}

/// <summary>The search on a virtual clock: deterministic, budget-exact, W workers at most, honest timestamps.</summary>
public sealed class SimulatedSearchTests(ITestOutputHelper output)
{
    private static SearchSettings Nb201Config(int budget = 300, long seed = 5) => new()
    {
        Space = new SearchSpaceSpec(Nb201Space.SpaceName),
        PopulationSize = 30,
        SampleSize = 8,
        Budget = budget,
        Seed = seed,
        Evaluator = "known",
    };

    private static KnownDurationEvaluator Known(double? fixedSeconds = null, Func<Candidate, bool>? fails = null) =>
        new(Nb201Space.Instance, fixedSeconds, fails);

    private static List<string> Wire(IEnumerable<ISearchEvent> events) => events.Select(LogCodec.Wire).ToList();

    private static DateTimeOffset TimeOf(ISearchEvent e) => e switch
    {
        SearchStarted s => s.At,
        CandidateProposed p => p.At,
        CandidateStarted s => s.At,
        CandidateEvaluated v => v.FinishedAt,
        CandidateFailed f => f.At,
        CandidateReleased r => r.At,
        CandidateRetired r => r.At,
        SearchCompleted c => c.At,
        _ => throw new ArgumentException(e.GetType().Name),
    };

    /// <summary>The largest number of candidates running at one simulated instant (a finish frees its worker before a start at the same instant).</summary>
    private static int MaxConcurrency(IEnumerable<CandidateEvaluated> evaluated) =>
        evaluated.SelectMany(v => new[] { (At: v.StartedAt, Delta: +1), (At: v.FinishedAt, Delta: -1) })
            .OrderBy(x => x.At).ThenBy(x => x.Delta)
            .Aggregate((Running: 0, Max: 0), (acc, x) => (acc.Running + x.Delta, Math.Max(acc.Max, acc.Running + x.Delta))).Max;

    // ------------------------------------------------------------------ determinism and budget

    [Theory]
    [InlineData(1, SchedulingMode.Continuous)]
    [InlineData(4, SchedulingMode.Continuous)]
    [InlineData(8, SchedulingMode.Batch)]
    public void The_same_config_twice_gives_identical_event_logs(int workers, SchedulingMode mode)
    {
        var config = Nb201Config(400) with { Mode = mode, Screening = new Screening(3, ProxyKind.Surrogate) };
        var first = SimulatedSearch.Run(config, Known(), workers);
        var second = SimulatedSearch.Run(config, Known(), workers);
        Assert.Equal(Wire(first.Events), Wire(second.Events));
        Assert.Equal(first.Seconds, second.Seconds);
        Assert.Equal(first.BusySeconds, second.BusySeconds);

        var otherSeed = SimulatedSearch.Run(config with { Seed = config.Seed + 1 }, Known(), workers);
        Assert.NotEqual(Wire(first.Events), Wire(otherSeed.Events));
    }

    [Fact]
    public void On_the_real_table_the_same_config_twice_gives_identical_logs_and_the_objectives_are_table_validation_accuracies()
    {
        var table = Nb201Tables.Real;
        var config = Nb201Config(500) with { PopulationSize = 50, SampleSize = 10, Evaluator = "tabular" };
        var evaluator = new TabularSimulator(table, new TabularSettings(Nb201Dataset.Cifar10));
        var first = SimulatedSearch.Run(config, evaluator, 8);
        var second = SimulatedSearch.Run(config, evaluator, 8);
        Assert.Equal(Wire(first.Events), Wire(second.Events));

        var genotypes = first.Events.OfType<CandidateProposed>().ToDictionary(p => p.Id, p => p.Genotype);
        var evaluated = first.Events.OfType<CandidateEvaluated>().ToList();
        Assert.Equal(500, evaluated.Count);
        foreach (var v in evaluated)
        {
            var entry = table.Lookup(genotypes[v.Id], Nb201Dataset.Cifar10);
            Assert.Equal(entry.ValidAccuracy, v.Objective);
            Assert.Equal(entry.TestAccuracy, v.Metrics!["testAccuracy"]);
            Assert.Equal(v.Metrics["simulatedSeconds"], (v.FinishedAt - v.StartedAt).TotalSeconds, 1e-3);
        }
        output.WriteLine($"best validation accuracy {first.State.Best!.Objective:F3} after {first.Seconds / 3600:F2} simulated hours, utilisation {first.Utilization:F4}");
        Assert.True(first.State.Best!.Objective > 88, $"evolution over 500 evaluations found only {first.State.Best.Objective}");
    }

    [Theory]
    [InlineData(1, SchedulingMode.Continuous, 50)]
    [InlineData(3, SchedulingMode.Continuous, 257)]
    [InlineData(8, SchedulingMode.Batch, 100)]
    [InlineData(8, SchedulingMode.Batch, 101)]
    [InlineData(16, SchedulingMode.Continuous, 10)]
    [InlineData(5, SchedulingMode.Batch, 3)]
    public void Exactly_the_budget_is_evaluated_and_the_log_ends_with_the_completion(int workers, SchedulingMode mode, int budget)
    {
        var config = Nb201Config(budget) with { Mode = mode, PopulationSize = Math.Min(30, budget), SampleSize = Math.Min(8, budget) };
        var evaluator = Known();
        var result = SimulatedSearch.Run(config, evaluator, workers);
        Assert.Equal(budget, result.State.Evaluated);
        Assert.Equal(budget, result.Events.OfType<CandidateEvaluated>().Count());
        Assert.Equal(budget, evaluator.Calls.Count);   // nothing evaluated beyond the budget
        Assert.IsType<SearchStarted>(result.Events[0]);
        var completed = Assert.IsType<SearchCompleted>(result.Events[^1]);
        Assert.Equal("budget", completed.Reason);
        Assert.Single(result.Events.OfType<SearchCompleted>());
        Assert.Equal(result.Seconds, (completed.At - SimulatedSearch.Epoch).TotalSeconds, 1e-3);
        Assert.True(SearchState.Replay(result.Events).SameAs(result.State), "replaying the log does not rebuild the final state");
    }

    [Fact]
    public void Event_times_never_go_backwards_and_the_start_time_and_callback_are_honoured()
    {
        var start = new DateTimeOffset(2031, 5, 6, 7, 8, 9, TimeSpan.FromHours(2));
        var seen = new List<ISearchEvent>();
        var result = SimulatedSearch.Run(Nb201Config(200), Known(), 6, seen.Add, start);
        Assert.Equal(result.Events, seen);
        Assert.Equal(start, TimeOf(result.Events[0]));
        for (var i = 1; i < result.Events.Count; i++)
            Assert.True(TimeOf(result.Events[i]) >= TimeOf(result.Events[i - 1]), $"event {i} ({result.Events[i].GetType().Name}) goes back in time");
        Assert.All(result.Events.OfType<CandidateEvaluated>(), v => Assert.Equal(SimulatedSearch.Node, v.Node));
    }

    [Fact]
    public void Fewer_than_one_worker_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SimulatedSearch.Run(Nb201Config(), Known(), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SimulatedSearch.Run(Nb201Config(), Known(), -2));
    }

    // ------------------------------------------------------------------ the clock

    [Fact]
    public void With_one_worker_the_evaluations_follow_each_other_without_gaps_and_last_their_simulated_seconds()
    {
        var result = SimulatedSearch.Run(Nb201Config(300), Known(), 1);
        var evaluated = result.Events.OfType<CandidateEvaluated>().ToList();
        var started = result.Events.OfType<CandidateStarted>().ToDictionary(s => s.Id);
        Assert.Equal(SimulatedSearch.Epoch, evaluated[0].StartedAt);
        for (var i = 0; i < evaluated.Count; i++)
        {
            var v = evaluated[i];
            if (i > 0) Assert.Equal(evaluated[i - 1].FinishedAt, v.StartedAt);
            Assert.Equal(v.Metrics!["simulatedSeconds"], (v.FinishedAt - v.StartedAt).TotalSeconds, 1e-3);
            Assert.Equal(KnownDurationEvaluator.SecondsOf(v.Id), (v.FinishedAt - v.StartedAt).TotalSeconds, 1e-3);
            Assert.Equal(started[v.Id].At, v.StartedAt);
            Assert.Equal(SimulatedSearch.WorkerName(0), v.Worker);
        }
        Assert.Equal(evaluated.Sum(v => v.Metrics!["simulatedSeconds"]), result.Seconds, 1e-6);
        Assert.Equal(1.0, result.Utilization, 1e-9);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(8)]
    [InlineData(13)]
    public void In_continuous_mode_at_most_W_candidates_run_at_once_each_worker_one_at_a_time_and_all_W_are_used(int workers)
    {
        var result = SimulatedSearch.Run(Nb201Config(400), Known(), workers);
        var evaluated = result.Events.OfType<CandidateEvaluated>().ToList();
        Assert.Equal(workers, MaxConcurrency(evaluated));
        foreach (var byWorker in evaluated.GroupBy(v => v.Worker))
        {
            var runs = byWorker.OrderBy(v => v.StartedAt).ToList();
            for (var i = 1; i < runs.Count; i++)
                Assert.True(runs[i].StartedAt >= runs[i - 1].FinishedAt, $"{byWorker.Key} runs {runs[i - 1].Id} and {runs[i].Id} at once");
        }
        Assert.Equal(Enumerable.Range(0, workers).Select(SimulatedSearch.WorkerName).Order(), evaluated.Select(v => v.Worker).Distinct().Order());
        // a free worker gets work at once: the busy worker-seconds are the sum of the durations
        Assert.Equal(evaluated.Sum(v => v.Metrics!["simulatedSeconds"]), result.BusySeconds, 1e-6);
    }

    [Fact]
    public void Utilisation_is_one_for_one_worker_and_between_zero_and_one_for_eight()
    {
        Assert.Equal(1.0, SimulatedSearch.Run(Nb201Config(300), Known(), 1).Utilization, 1e-9);
        var eight = SimulatedSearch.Run(Nb201Config(300), Known(), 8);
        output.WriteLine($"8 workers, continuous: utilisation {eight.Utilization:F4}");
        Assert.InRange(eight.Utilization, 0.9, 1.0);   // only the last few evaluations leave workers idle
        Assert.Equal(eight.BusySeconds / (8 * eight.Seconds), eight.Utilization, 1e-12);
        // equal durations and a budget that is a multiple of W: no worker is ever idle
        Assert.Equal(1.0, SimulatedSearch.Run(Nb201Config(320), Known(fixedSeconds: 3), 8).Utilization, 1e-9);
    }

    [Fact]
    public void Batch_mode_waits_for_each_batch_and_so_uses_eight_workers_less_than_continuous_mode()
    {
        var continuous = SimulatedSearch.Run(Nb201Config(400), Known(), 8);
        var batch = SimulatedSearch.Run(Nb201Config(400) with { Mode = SchedulingMode.Batch, BatchSize = 8 }, Known(), 8);
        output.WriteLine($"utilisation: continuous {continuous.Utilization:F4}, batch {batch.Utilization:F4}; " +
                         $"simulated hours: continuous {continuous.Seconds / 3600:F3}, batch {batch.Seconds / 3600:F3}");
        Assert.True(batch.Utilization < continuous.Utilization - 0.05,
            $"batch utilisation {batch.Utilization} is not clearly below continuous {continuous.Utilization}");
        Assert.True(batch.Seconds > continuous.Seconds);

        // the barrier: no candidate of batch b + 1 starts before every candidate of batch b has finished
        var batchOf = batch.Events.OfType<CandidateProposed>().ToDictionary(p => p.Id, p => p.Batch);
        var evaluated = batch.Events.OfType<CandidateEvaluated>().ToList();
        var batches = evaluated.GroupBy(v => batchOf[v.Id]).OrderBy(g => g.Key).ToList();
        Assert.Equal(50, batches.Count);
        Assert.All(batches, g => Assert.Equal(8, g.Count()));
        for (var b = 1; b < batches.Count; b++)
            Assert.True(batches[b].Min(v => v.StartedAt) >= batches[b - 1].Max(v => v.FinishedAt), $"batch {batches[b].Key} starts before batch {batches[b - 1].Key} ends");
    }

    // ------------------------------------------------------------------ lower budgets read off one run

    [Fact]
    public void With_one_worker_a_budget_of_100_gives_exactly_the_first_events_of_a_budget_of_1000()
    {
        var config = Nb201Config(1_000) with { PopulationSize = 50, SampleSize = 10 };
        var evaluator = new TabularSimulator(Nb201Tables.Synthetic, new TabularSettings());
        var full = SimulatedSearch.Run(config, evaluator, 1);
        var short100 = SimulatedSearch.Run(config with { Budget = 100 }, evaluator, 1);

        var prefix = Wire(short100.Events.Skip(1).SkipLast(1));   // between SearchStarted (its budget differs) and SearchCompleted
        Assert.Equal(prefix, Wire(full.Events.Skip(1).Take(prefix.Count)));
        var hundredth = full.Events.OfType<CandidateEvaluated>().ElementAt(99);
        Assert.Equal(LogCodec.Wire(hundredth), LogCodec.Wire(short100.Events[^2]));
        Assert.Equal(hundredth.FinishedAt, ((SearchCompleted)short100.Events[^1]).At);
        Assert.IsNotType<SearchCompleted>(full.Events[prefix.Count + 1]);
        // the prefix holds tournament children, not only the warm-up
        Assert.Equal(50, short100.Events.OfType<CandidateProposed>().Count(p => p.ParentId is not null));
    }

    // ------------------------------------------------------------------ configurations

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    public void A_random_search_config_proposes_no_child_with_a_parent(int workers)
    {
        var config = Nb201Config(200) with { PopulationSize = 200, SampleSize = 1 };
        var result = SimulatedSearch.Run(config, Known(), workers);
        var proposed = result.Events.OfType<CandidateProposed>().ToList();
        Assert.Equal(200, proposed.Count);
        Assert.All(proposed, p =>
        {
            Assert.Null(p.ParentId);
            Assert.Null(p.Mutation);
            Assert.Null(p.Tournament);
        });
        Assert.Empty(result.Events.OfType<CandidateRetired>());
        Assert.Equal(200, result.State.Evaluated);
    }

    [Fact]
    public void With_flops_screening_every_child_is_the_biggest_of_the_mutants_its_parent_would_get()
    {
        var config = Nb201Config(300) with { Screening = new Screening(4, ProxyKind.Flops), Mutation = new PositionWeighting(1) };
        var result = SimulatedSearch.Run(config, Known(), 4);
        var proposed = result.Events.OfType<CandidateProposed>().ToDictionary(p => p.Id);
        var children = proposed.Values.Where(p => p.ParentId is not null).ToList();
        Assert.True(children.Count >= 250, $"only {children.Count} children");
        foreach (var child in children)
        {
            var parent = proposed[child.ParentId!.Value].Genotype;
            var random = DeterministicRandom.For(config.Seed, child.Id, RandomPurpose.Mutation);
            var mutants = Enumerable.Range(0, 4).Select(_ => Mutator.Mutate(Nb201Space.Instance, parent, random, config.Mutation)).ToList();
            var flops = mutants.Select(m => Nb201Skeleton.Cifar10.Cost(m.Child).Flops).ToList();
            var best = mutants[flops.IndexOf(flops.Max())];
            Assert.Equal(best.Child, child.Genotype);
            Assert.Equal(best.Mutation, child.Mutation);
        }

        // and screening for FLOPs makes the children bigger than plain evolution's
        var plain = SimulatedSearch.Run(config with { Screening = Screening.Off }, Known(), 4);
        double MeanChildMegaFlops(SimulationResult r) => r.Events.OfType<CandidateProposed>().Where(p => p.ParentId is not null)
            .Average(p => Nb201Skeleton.Cifar10.Cost(p.Genotype).MegaFlops);
        output.WriteLine($"mean child MFLOPs: screened {MeanChildMegaFlops(result):F1}, plain {MeanChildMegaFlops(plain):F1}");
        Assert.True(MeanChildMegaFlops(result) > MeanChildMegaFlops(plain) + 10);
    }

    [Fact]
    public void A_failing_evaluation_is_retried_up_to_max_attempts_then_final_and_the_budget_is_still_met()
    {
        var evaluator = Known(fails: c => c.Id % 7 == 0);
        var config = Nb201Config(120) with { MaxAttempts = 3 };
        var result = SimulatedSearch.Run(config, evaluator, 3);
        Assert.Equal(120, result.State.Evaluated);
        var failures = result.Events.OfType<CandidateFailed>().GroupBy(f => f.Id).ToList();
        Assert.NotEmpty(failures);
        foreach (var g in failures)
        {
            Assert.Equal(0, g.Key % 7);
            Assert.Equal([1, 2, 3], g.Select(f => f.Attempt));
            Assert.Equal([false, false, true], g.Select(f => f.Final));
            Assert.Contains($"known failure of {g.Key}", g.First().Reason, StringComparison.Ordinal);
        }
        Assert.Equal([1, 2, 3], evaluator.Calls.Where(c => c.Id == failures[0].Key).Select(c => c.Attempt));
        Assert.DoesNotContain(result.Events.OfType<CandidateEvaluated>(), v => v.Id % 7 == 0);
        Assert.Equal(failures.Count, result.State.FinalFailures);
    }

    [Fact]
    public void An_evaluator_that_always_fails_ends_the_search_at_the_failure_limit()
    {
        var result = SimulatedSearch.Run(Nb201Config(100) with { MaxAttempts = 2, MaxFailures = 5 }, Known(fails: _ => true), 2);
        var completed = Assert.IsType<SearchCompleted>(result.Events[^1]);
        Assert.Equal("failure-limit", completed.Reason);
        Assert.Equal(0, result.State.Evaluated);
        Assert.Equal(5, result.State.FinalFailures);
        Assert.Equal(0, result.Utilization);
    }
}
