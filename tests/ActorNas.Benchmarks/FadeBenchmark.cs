using System.Diagnostics;
using System.Globalization;
using ActorNas.Analysis;
using ActorNas.Core;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces.Hierarchical;
using ActorNas.Torch.Data;
using ActorNas.Torch.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace ActorNas.Benchmarks;

/// <summary>
/// FaDE on the CPU (issue 19's measurements):
/// <list type="number">
/// <item>Estimator validity, the paper's first experiment: for random regions of the default hierarchical space, train
/// the region supernet, then train sampled architectures of the region on their own (the same epochs, batch and data,
/// two seeds each), and correlate each architecture's FaDE score with its standalone validation accuracy (Spearman and
/// Kendall within a region, averaged over regions, with bootstrap intervals). The agreement of the two seeds' accuracies
/// with each other is printed beside it: no estimator can rank better than the noise of what it is compared with.</item>
/// <item>Linear cost: seconds per epoch of the supernet for S = 1..5 stages at a fixed k, next to k^S standalone epochs
/// (the cost of training the region's architectures one by one).</item>
/// <item>Search: FaDE against REA and random search at equal compute (<see cref="FadeSearchComparison"/>), the mean over
/// seeds of the best standalone accuracy each found (--seeds N, default 5).</item>
/// </list>
/// </summary>
internal static class FadeBenchmark
{
    private const int BatchSize = 64;
    private const int BootstrapSamples = 1000;

    public static int Run(BenchOptions options)
    {
        var quick = options.Quick;
        torch.set_num_threads(options.Threads ?? 1);
        var images = BenchImages.Choose(quick);
        var dataset = images.Dataset;
        var trainImages = quick ? 256 : 2000;
        var validationImages = quick ? 128 : 1000;
        var epochs = quick ? 1 : 2;
        var regions = quick ? 1 : 3;
        var perRegion = quick ? 4 : 16;
        var seeds = quick ? 1 : 2;
        Console.WriteLine($"fade: {dataset}, {trainImages} training and {validationImages} validation images, {epochs} epoch(s) of batch {BatchSize} " +
                          $"for every training, one libtorch thread{(quick ? " (--quick)" : "")}" +
                          images.Note);
        var total = Stopwatch.StartNew();
        using var data = DatasetLoader.Load(new DataSettings(dataset, null, trainImages, validationImages));

        var validity = MeasureValidity(data, dataset, trainImages, validationImages, epochs, regions, perRegion, seeds);
        var cost = MeasureCost(data, dataset, trainImages, validationImages, quick ? 3 : 5, quick ? 2 : 4);
        var searchSeeds = options.Seeds ?? (quick ? 1 : 5);
        // one epoch per training in the searches (the train evaluator's default), 30 network-epochs each
        var search = FadeSearchComparison.Run(data,
            new TrainingSettings(dataset, "", trainImages, validationImages, Epochs: 1, BatchSize: BatchSize, Transfer: false),
            new RegionTrainingSettings(Epochs: 1, BatchSize: BatchSize), neighbours: 8, budget: quick ? 6 : 30, searchSeeds,
            population: quick ? 2 : 10, sample: quick ? 1 : 3);
        double MeanBest(string name) => search.Where(r => r.Search == name).Average(r => r.Best);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"    mean best standalone accuracy over {searchSeeds} seed(s): FaDE {MeanBest("fade"):P1}, REA {MeanBest("rea"):P1}, random {MeanBest("random"):P1}"));

        Console.WriteLine($"  total {total.Elapsed.TotalSeconds:F0} s");
        var json = new BenchJson()
            .Add("regionSpearman", validity.Spearman, 3).Add("regionSpearmanLow", validity.SpearmanLow, 3).Add("regionSpearmanHigh", validity.SpearmanHigh, 3)
            .Add("regionKendall", validity.Kendall, 3).Add("regionKendallLow", validity.KendallLow, 3).Add("regionKendallHigh", validity.KendallHigh, 3)
            .Add("seedToSeedSpearman", validity.SeedAgreement, 3, "one seed per architecture (--quick)")
            .Add("fadeBest", MeanBest("fade"), 4).Add("reaBest", MeanBest("rea"), 4).Add("randomBest", MeanBest("random"), 4).Add("seeds", searchSeeds, 0)
            .Add("regions", regions, 0).Add("architecturesPerRegion", perRegion, 0).Add("seedsPerArchitecture", seeds, 0).Add("epochs", epochs, 0);
        foreach (var c in cost)
            json.Add($"supernetSecondsPerEpochS{c.Stages}", c.SupernetSeconds, 2).Add($"standaloneSecondsPerEpochS{c.Stages}", c.StandaloneSeconds, 2);
        Console.WriteLine(json);
        return 0;
    }

    private sealed record Validity(double Spearman, double SpearmanLow, double SpearmanHigh, double Kendall, double KendallLow, double KendallHigh,
        double SeedAgreement);

    private static Validity MeasureValidity(DataSplit data, string dataset, int trainImages, int validationImages, int epochs, int regions,
        int perRegion, int seeds)
    {
        var space = new HierarchicalSpace();
        const int k = 4;
        var regionSettings = new RegionTrainingSettings(Epochs: epochs, BatchSize: BatchSize);
        var standalone = new TrainingSettings(dataset, "", trainImages, validationImages, Epochs: epochs, BatchSize: BatchSize, Transfer: false);
        var scores = new List<double[]>();
        var accuracies = new List<double[]>();
        var seedA = new List<double>();
        var seedB = new List<double>();
        Console.WriteLine($"  estimator validity: {regions} random region(s) of {k} graphs per stage ({k * k * k} architectures), " +
                          $"{perRegion} sampled architectures each, {seeds} standalone seed(s) each");
        for (var r = 0; r < regions; r++)
        {
            var random = new DeterministicRandom(DeterministicRandom.Mix(1000 + (ulong)r));
            var region = new Region(space, Enumerable.Range(0, space.Length).Select(_ => random.SampleWithoutReplacement(space.Catalogue.Count, k)));
            var clock = Stopwatch.StartNew();
            var outcome = RegionTrainer.Train(region, data, regionSettings, seed: 1 + r, CPU, CancellationToken.None);
            var supernetSeconds = clock.Elapsed.TotalSeconds;
            var members = random.SampleWithoutReplacement(k * k * k, perRegion)
                .Select(i => region.GenotypeOf([i / (k * k), i / k % k, i % k])).ToList();
            var regionScores = members.Select(g => FadeRanks.Score(region, outcome.CandidateWeights, g)).ToArray();
            clock.Restart();
            var regionAccuracies = new double[members.Count];
            for (var m = 0; m < members.Count; m++)
            {
                var perSeed = Enumerable.Range(1, seeds)
                    .Select(seed => Trainer.Train(space, members[m], data, standalone, LayerTransfer.None, seed, CPU, CancellationToken.None).ValidationAccuracy)
                    .ToList();
                regionAccuracies[m] = perSeed.Average();
                if (seeds >= 2)
                {
                    seedA.Add(perSeed[0]);
                    seedB.Add(perSeed[1]);
                }
            }
            scores.Add(regionScores);
            accuracies.Add(regionAccuracies);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    region {r + 1}: supernet {supernetSeconds:F1} s (its own accuracy {outcome.ValidationAccuracy:P1}), {members.Count * seeds} standalone trainings " +
                $"{clock.Elapsed.TotalSeconds:F1} s (accuracy {regionAccuracies.Min():P1} to {regionAccuracies.Max():P1}); " +
                $"Spearman {Quantiles.Spearman(regionScores, regionAccuracies):F3}, Kendall {Kendall(regionScores, regionAccuracies):F3}"));
        }

        var spearman = MeanOverRegions(scores, accuracies, null, Quantiles.Spearman);
        var kendall = MeanOverRegions(scores, accuracies, null, Kendall);
        var (spearmanLow, spearmanHigh) = Bootstrap(scores, accuracies, Quantiles.Spearman);
        var (kendallLow, kendallHigh) = Bootstrap(scores, accuracies, Kendall);
        var agreement = seedA.Count >= 2 ? Quantiles.Spearman(seedA, seedB) : double.NaN;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"    FaDE score vs standalone accuracy, mean over regions: Spearman {spearman:F3} [{spearmanLow:F3}, {spearmanHigh:F3}], " +
            $"Kendall {kendall:F3} [{kendallLow:F3}, {kendallHigh:F3}] (95 % bootstrap over architectures); " +
            $"seed 1 vs seed 2 of the same architectures: Spearman {agreement:F3}; the paper reports about 0.8 on CIFAR-10"));
        return new Validity(spearman, spearmanLow, spearmanHigh, kendall, kendallLow, kendallHigh, agreement);
    }

    /// <summary>The mean over regions of a rank correlation; with <paramref name="pick"/>, of the resampled architectures.</summary>
    private static double MeanOverRegions(List<double[]> scores, List<double[]> accuracies, List<int[]>? pick,
        Func<IReadOnlyList<double>, IReadOnlyList<double>, double> correlation)
    {
        var values = new List<double>();
        for (var r = 0; r < scores.Count; r++)
        {
            var idx = pick?[r] ?? Enumerable.Range(0, scores[r].Length).ToArray();
            var c = correlation([.. idx.Select(i => scores[r][i])], [.. idx.Select(i => accuracies[r][i])]);
            if (double.IsFinite(c)) values.Add(c);
        }
        return values.Count == 0 ? double.NaN : values.Average();
    }

    private static (double Low, double High) Bootstrap(List<double[]> scores, List<double[]> accuracies,
        Func<IReadOnlyList<double>, IReadOnlyList<double>, double> correlation)
    {
        var random = new DeterministicRandom(DeterministicRandom.Mix(77));
        var means = new List<double>(BootstrapSamples);
        for (var b = 0; b < BootstrapSamples; b++)
        {
            var pick = scores.Select(s => Enumerable.Range(0, s.Length).Select(_ => random.NextInt(s.Length)).ToArray()).ToList();
            var mean = MeanOverRegions(scores, accuracies, pick, correlation);
            if (double.IsFinite(mean)) means.Add(mean);
        }
        return means.Count == 0 ? (double.NaN, double.NaN) : (Quantiles.Of(means, 0.025), Quantiles.Of(means, 0.975));
    }

    /// <summary>Kendall's tau-b (ties in either series reduce the denominator); NaN when a series is constant.</summary>
    internal static double Kendall(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        long concordant = 0, discordant = 0, tiesX = 0, tiesY = 0;
        for (var i = 0; i < x.Count; i++)
            for (var j = i + 1; j < x.Count; j++)
            {
                var dx = Math.Sign(x[i] - x[j]);
                var dy = Math.Sign(y[i] - y[j]);
                if (dx == 0 && dy == 0) continue;
                if (dx == 0) tiesX++;
                else if (dy == 0) tiesY++;
                else if (dx == dy) concordant++;
                else discordant++;
            }
        var denominator = Math.Sqrt((double)(concordant + discordant + tiesX) * (concordant + discordant + tiesY));
        return denominator == 0 ? double.NaN : (concordant - discordant) / denominator;
    }

    private sealed record Cost(int Stages, double SupernetSeconds, double StandaloneSeconds, int K);

    /// <summary>One epoch of the supernet of a random k-per-stage region for S = 1..<paramref name="maxStages"/>, and one
    /// epoch of two of its architectures on their own (their mean, times k^S, is what training the region one by one costs).</summary>
    private static List<Cost> MeasureCost(DataSplit data, string dataset, int trainImages, int validationImages, int maxStages, int k)
    {
        Console.WriteLine($"  linear cost: one epoch of a region supernet with {k} graphs per stage, S = 1..{maxStages}");
        var standalone = new TrainingSettings(dataset, "", trainImages, validationImages, Epochs: 1, BatchSize: BatchSize, Transfer: false);
        var results = new List<Cost>();
        for (var stages = 1; stages <= maxStages; stages++)
        {
            var space = new HierarchicalSpace(SettingsFor(stages));
            var random = new DeterministicRandom(DeterministicRandom.Mix(2000 + (ulong)stages));
            var region = new Region(space, Enumerable.Range(0, stages).Select(_ => random.SampleWithoutReplacement(space.Catalogue.Count, k)));
            var supernet = RegionTrainer.Train(region, data, new RegionTrainingSettings(Epochs: 1, BatchSize: BatchSize), seed: stages, CPU,
                CancellationToken.None).TrainSeconds;
            var single = Enumerable.Range(0, 2)
                .Select(i => region.GenotypeOf([.. Enumerable.Range(0, stages).Select(_ => random.NextInt(k))]))
                .Select((g, i) => Trainer.Train(space, g, data, standalone, LayerTransfer.None, i + 1, CPU, CancellationToken.None).TrainSeconds)
                .Average();
            var architectures = Math.Pow(k, stages);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    S = {stages}: supernet {supernet:F2} s per epoch ({k * stages} cells); one architecture {single:F2} s per epoch, " +
                $"x {architectures:F0} architectures = {single * architectures:F1} s"));
            results.Add(new Cost(stages, supernet, single, k));
        }
        return results;
    }

    /// <summary>The space of S stages on 28 x 28 images: the pools follow the authors' rule (4,4 for S = 2; 4,2,2 for S = 3;
    /// 2 at the first and last stage and at two middle ones beyond), with channels growing to 16.</summary>
    private static HierarchicalSpaceSettings SettingsFor(int stages) => stages switch
    {
        1 => new() { Stages = 1, Channels = [16], Pools = [4], PoolPadding = [0] },
        2 => new() { Stages = 2, Channels = [8, 16], Pools = [4, 4], PoolPadding = [0, 1] },
        3 => new(),
        4 => new() { Stages = 4, Channels = [4, 8, 8, 16], Pools = [2, 2, 2, 2], PoolPadding = [0, 0, 1, 0] },
        5 => new() { Stages = 5, Channels = [4, 4, 8, 8, 16], Pools = [2, 2, 1, 2, 2], PoolPadding = [0, 0, 0, 1, 0] },
        _ => throw new ArgumentOutOfRangeException(nameof(stages), "1 to 5 stages"),
    };
}
