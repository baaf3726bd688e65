using System.Diagnostics;
using System.Globalization;
using ActorNas.Core.Growth;
using ActorNas.Core.Spaces.SpiderNet;
using ActorNas.Torch.Data;
using ActorNas.Torch.Evaluators;
using ActorNas.Torch.Models;
using ActorNas.Torch.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace ActorNas.Benchmarks;

/// <summary>
/// SpiderNet on the CPU (issue 20's measurement): the round loop, one growth pass on the untrained network and then per
/// round train + prune + grow, run with the metrics choosing the splits and with the random control, for equal rounds,
/// memory budget and seeds. Per round: parameters, the memory estimate, validation accuracy, ops pruned, splits made
/// (and refused by the memory gate); at the end the last round's accuracy, parameters, the peak estimate and the
/// seconds of each rule. The loop runs without the actors (they are not wired to SpiderNet yet): it measures the method.
/// </summary>
internal static class SpiderNetBenchmark
{
    private const int BatchSize = 64;

    private sealed record RunResult(string Rule, int Seed, double Accuracy, long Parameters, long PeakBytes, double Seconds, int Pruned, int Splits, int Refused);

    public static int Run(BenchOptions options)
    {
        var quick = options.Quick;
        torch.set_num_threads(options.Threads ?? 1);
        var images = BenchImages.Choose(quick);
        var dataset = images.Dataset;
        var trainImages = quick ? 256 : 2000;
        var validationImages = quick ? 64 : 1000;
        var rounds = options.Budget ?? (quick ? 2 : 8);
        var seeds = options.Seeds ?? (quick ? 1 : 3);
        // the NTK's per-sample gradients are the growth's cost on the CPU (docs/spidernet.md): fewer images make a run feasible
        var ntkImages = options.NtkImages ?? (quick ? 8 : 64);
        if (ntkImages < 3) throw new ArgumentException($"--ntk-images needs at least 3 (kappa is taken orthogonal to the ones), got {ntkImages}");
        var round = new SpiderRoundSettings(Epochs: quick ? 1 : 2, BatchSize: BatchSize);
        var space = new SpiderNetSpace();
        using var data = DatasetLoader.Load(new DataSettings(dataset, null, trainImages, validationImages));
        var train = data.Train;
        var input = new InputShape(train.Channels, train.Height, train.Width, train.Classes);
        // a budget that binds after some rounds (the research notes' advice; their 300 MB is below this estimate of the
        // starting network): twice the estimate of the network the loop starts from
        var start = SpiderCost.TrainingBytes(space, space.Encode(space.InitialCells()), input.Channels, input.Height, input.Classes, BatchSize);
        var growth = new GrowthSettings(Reinitialisations: quick ? 1 : 3, MemoryBudgetBytes: 2 * start, Batch: BatchSize);
        Console.WriteLine($"spidernet: {dataset}, {trainImages} training and {validationImages} validation images, {rounds} round(s) of " +
                          $"{round.Epochs} epoch(s), batch {BatchSize}, memory budget {growth.MemoryBudgetBytes >> 20} MB (estimated; the start is {start >> 20} MB), " +
                          $"{seeds} seed(s), {growth.Reinitialisations} re-initialisation(s) per candidate, {ntkImages} NTK images, one libtorch thread" +
                          (quick ? " (--quick)" : "") + images.Note);

        var results = new List<RunResult>();
        foreach (var rule in new[] { GrowthRule.Metrics, GrowthRule.Random })
            for (var seed = 1; seed <= seeds; seed++)
                results.Add(RunLoop(space, data, input, round, growth, rule, seed, rounds, quick, ntkImages));

        RunResult[] Of(GrowthRule rule) => [.. results.Where(r => r.Rule == Name(rule))];
        var spider = Of(GrowthRule.Metrics);
        var random = Of(GrowthRule.Random);
        foreach (var (name, runs) in new[] { ("spidernet", spider), ("random growth", random) })
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name}: accuracy {runs.Average(r => r.Accuracy):P1}, parameters {runs.Average(r => r.Parameters):F0}, " +
                $"peak memory (estimated) {runs.Average(r => r.PeakBytes) / (1 << 20):F1} MB, {runs.Average(r => r.Seconds):F0} s, " +
                $"splits {runs.Average(r => r.Splits):F1} (refused by memory {runs.Average(r => r.Refused):F1}), ops pruned {runs.Average(r => r.Pruned):F1}, " +
                $"mean over {runs.Length} seed(s)"));
        var json = new BenchJson()
            .Add("spiderAcc", spider.Average(r => r.Accuracy), 4).Add("randomAcc", random.Average(r => r.Accuracy), 4)
            .Add("spiderParams", spider.Average(r => r.Parameters), 0).Add("randomParams", random.Average(r => r.Parameters), 0)
            .Add("spiderPeakMb", spider.Average(r => r.PeakBytes) / (1 << 20), 1).Add("randomPeakMb", random.Average(r => r.PeakBytes) / (1 << 20), 1)
            .Add("spiderSeconds", spider.Average(r => r.Seconds), 1).Add("randomSeconds", random.Average(r => r.Seconds), 1)
            .Add("spiderSplits", spider.Average(r => r.Splits), 1).Add("randomSplits", random.Average(r => r.Splits), 1)
            .Add("rounds", rounds, 0).Add("seeds", seeds, 0).Add("ntkImages", ntkImages, 0);
        Console.WriteLine(json);
        return 0;
    }

    private static string Name(GrowthRule rule) => rule == GrowthRule.Metrics ? "spidernet" : "random";

    private static RunResult RunLoop(SpiderNetSpace space, DataSplit data, InputShape input, SpiderRoundSettings round, GrowthSettings growth,
        GrowthRule rule, int seed, int rounds, bool quick, int ntkImages)
    {
        var clock = Stopwatch.StartNew();
        using var ntkBatch = TrainFreeScoring.NtkInputs(data.Train, ntkImages, seed, CPU);
        using var crops = TrainFreeScoring.RegionInputs(data.Train, quick ? 100 : 1000, 3, seed, CPU);
        long Bytes(ActorNas.Core.Genotype g) => SpiderCost.TrainingBytes(space, g, input.Channels, input.Height, input.Classes, BatchSize);

        // one growth pass on the untrained network, then rounds of train, prune, grow
        var first = SpiderGrowth.Grow(space, space.Encode(space.InitialCells()), input, ntkBatch, crops, growth, rule, seed * 1000L, CPU, CancellationToken.None);
        var genotype = first.Grown;
        int splits = first.Cells.Count(c => c.Split is not null), refused = first.Cells.Count(c => c.RefusedByMemory is not null), pruned = 0;
        var peak = Bytes(genotype);
        SpiderRoundOutcome? last = null;
        for (var r = 1; r <= rounds; r++)
        {
            peak = Math.Max(peak, Bytes(genotype));
            var outcome = SpiderRound.Train(space, genotype, data, round, seed * 1000L + r, CPU, CancellationToken.None);
            var growClock = Stopwatch.StartNew();
            var grown = SpiderGrowth.Grow(space, outcome.Pruned, input, ntkBatch, crops, growth, rule, seed * 1000L + r, CPU, CancellationToken.None);
            var growSeconds = growClock.Elapsed.TotalSeconds;
            var measured = grown.Cells.Sum(c => c.Measured.Count);
            var valid = grown.Cells.Sum(c => c.Measured.Count(m => m.IsValid));
            var made = grown.Cells.Count(c => c.Split is not null);
            var refusedNow = grown.Cells.Count(c => c.RefusedByMemory is not null);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    {Name(rule)} seed {seed} round {r}: parameters {outcome.Parameters}, memory (estimated) {Bytes(genotype) / (double)(1 << 20):F1} MB, accuracy {outcome.ValidationAccuracy:P1}, ops pruned {outcome.PrunedOps.Count}, splits {made}{(refusedNow > 0 ? $" ({refusedNow} refused by memory)" : "")} ({valid} of {measured} measured edges valid), {outcome.TrainSeconds:F0} s training, {growSeconds:F0} s growing"));
            splits += made;
            refused += refusedNow;
            pruned += outcome.PrunedOps.Count;
            genotype = grown.Grown;
            last = outcome;
        }
        return new RunResult(Name(rule), seed, last?.ValidationAccuracy ?? double.NaN, last?.Parameters ?? 0, peak, clock.Elapsed.TotalSeconds,
            pruned, splits, refused);
    }
}
