using System.Diagnostics;
using System.Globalization;
using ActorNas.Core;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;
using ActorNas.Torch.Data;
using ActorNas.Torch.Models;
using ActorNas.Torch.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace ActorNas.Benchmarks;

/// <summary>
/// The TorchSharp evaluators on the CPU: native memory over many train evaluations (does anything leak?), NASWOT
/// milliseconds per NB201 network, one NB201 training step, and how many steps weight transfer saves a mutated child.
/// The memory run goes first, in a fresh process, so that blocks freed by the large networks of the other parts
/// cannot hide (or fake) its growth.
/// </summary>
internal static class TorchBenchmark
{
    /// <summary>The cell whose training step is timed: three 3x3 convolutions and a skip, a typical good NB201 cell.</summary>
    private const string StepCell = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|";

    /// <summary>NASWOT on NB201 (C=16, N=5, CIFAR-sized batch of 128), Mellor et al. 2021, GTX 1080 Ti.</summary>
    private const double PaperNaswotSeconds = 0.30;

    private static readonly Device Cpu = CPU;

    public static int Run(BenchOptions options)
    {
        var quick = options.Quick;
        // as a one-slot workshop does (TorchWorkshop): every core to the one evaluator
        torch.set_num_threads(int.Parse(Environment.GetEnvironmentVariable("TMP_THREADS") ?? Environment.ProcessorCount.ToString()));
        Console.WriteLine($"torch: TorchSharp on the CPU, {torch.get_num_threads()} libtorch threads on {Environment.ProcessorCount} cores" +
                          (quick ? " (--quick)" : ""));
        var total = Stopwatch.StartNew();
        var fashion = Directory.Exists(DatasetLoader.DefaultFashionMnistDir);

        var only = Environment.GetEnvironmentVariable("TMP_ONLY") ?? "mnst";
        var memory = only.Contains('m') ? MeasureMemory(quick ? 20 : 50, int.Parse(Environment.GetEnvironmentVariable("TMP_N") ?? (quick ? "100" : "500")), fashion) : new MemoryResult(1,1,1,1,1,1);
        var naswot = only.Contains('n') ? MeasureNaswot(warmUp: quick ? 1 : 2, networks: quick ? 5 : 20) : new NaswotResult(1,1,1);
        var step = only.Contains('s') ? MeasureTrainStep(warmUp: quick ? 2 : 3, steps: quick ? 8 : 20) : new StepResult(1,1,1);
        var transfer = only.Contains('t') ? MeasureTransfer(int.Parse(Environment.GetEnvironmentVariable("TMP_PAIRS") ?? (quick ? "2" : "3")), fashion) : new TransferResult(1,1,1,1,1,1);

        Console.WriteLine($"  total {total.Elapsed.TotalSeconds:F0} s");
        Console.WriteLine(new BenchJson()
            .Add("naswotMsPerArch", naswot.MsPerNetwork, 1).Add("naswotScoreMs", naswot.ScoreMs, 1).Add("naswotBuildMs", naswot.BuildMs, 1)
            .Add("trainStepMs", step.MedianMs, 1).Add("trainStepMinMs", step.MinMs, 1).Add("trainStepMaxMs", step.MaxMs, 1)
            .Add("rssGrowth", memory.Growth, 4).Add("rss50Mb", memory.FirstMb, 1).Add("rss500Mb", memory.LastMb, 1)
            .Add("rssFirstAt", memory.FirstAt, 0).Add("rssLastAt", memory.LastAt, 0).Add("evaluationMs", memory.MsPerEvaluation, 1)
            .Add("storeMb", memory.StoreMb, 2)
            .Add("transferStepRatio", transfer.Ratio, 3).Add("transferTotalRatio", transfer.TotalRatio, 3)
            .Add("stepsWithTransfer", transfer.StepsWith, 1).Add("stepsWithout", transfer.StepsWithout, 1)
            .Add("transferPairs", transfer.Pairs, 0).Add("notReached", transfer.NotReached, 0)
            .Add("fashionMnist", fashion ? 1 : 0, 0).Add("seconds", total.Elapsed.TotalSeconds, 1));
        return 0;
    }

    // ---------------------------------------------------------------- native memory

    private sealed record MemoryResult(int FirstAt, int LastAt, double FirstMb, double LastMb, double MsPerEvaluation, double StoreMb)
    {
        public double Growth => LastMb / FirstMb - 1;
    }

    /// <summary>
    /// Trainer.Train (the train evaluator's path) over and over on small work: random genotypes, alternating a tiny
    /// NB201 network (C=4, N=1) and a sequential one, one epoch on 200 images, a store of fixed small capacity.
    /// </summary>
    private static MemoryResult MeasureMemory(int first, int last, bool fashion)
    {
        const int storeBytes = 2 << 20;
        var options = new TrainingOptions(Dataset: fashion ? DatasetLoader.FashionMnist : DatasetLoader.Synthetic, TrainImages: 200,
            ValidationImages: 100, Epochs: 1, BatchSize: 64, Device: "cpu", Nb201Channels: 4, Nb201CellsPerStage: 1, KeepModelsMb: 2);
        using var data = DatasetLoader.Load(new DataOptions(options.Dataset, null, options.TrainImages, options.ValidationImages));
        using var store = new LayerStore(storeBytes);
        ISearchSpace[] spaces = [Nb201Space.Instance, new SequentialSpace()];
        Console.WriteLine($"1. native memory: {last} train evaluations (Trainer.Train), alternating NB201 C=4 N=1 and sequential " +
                          $"(10 layers), random genotypes, 1 epoch on {data.Train.Count} {data.Train.Name} images of " +
                          $"{data.Train.Channels}x{data.Train.Height}x{data.Train.Width}, {data.Validation.Count} validation; " +
                          $"layer store {storeBytes >> 20} MB; VmRSS after a full GC");

        var checkpoints = new SortedSet<int> { 1, 10, first, last };
        for (var at = 100; at < last; at += 100) checkpoints.Add(at);
        double firstMb = double.NaN, lastMb = double.NaN, accuracy = 0;
        var clock = Stopwatch.StartNew();
        double timedSince = 0;
        for (var i = 1; i <= last; i++)
        {
            var space = Environment.GetEnvironmentVariable("TMP_SPACE") switch { "n" => spaces[0], "s" => spaces[1], _ => spaces[i % 2] };
            var genotype = Mutator.RandomGenotype(space, new DeterministicRandom(DeterministicRandom.Mix((ulong)i)));
            var outcome = Trainer.Train(space, genotype, data, options, store, seed: i, Cpu, CancellationToken.None);
            accuracy += outcome.ValidationAccuracy;
            if (i == first) timedSince = clock.Elapsed.TotalMilliseconds;
            if (!checkpoints.Contains(i)) continue;
            var rss = ResidentMb();
            _ = MallocTrim(0);
            var trimmed = ResidentMb();
            Console.WriteLine($"  trimmed {trimmed:F1}");
            if (i == first) firstMb = rss;
            if (i == last) lastMb = rss;
            Console.WriteLine($"  after {i,4} evaluations: VmRSS {rss,7:F1} MB, managed heap {GC.GetTotalMemory(false) / 1e6,5:F1} MB (committed {GC.GetGCMemoryInfo().TotalCommittedBytes / 1e6:F1}), " +
                              $"store {store.Count,3} layers {store.Bytes / 1e6:F2} MB, mean accuracy so far {accuracy / i:F3}");
        }
        var perEvaluation = (clock.Elapsed.TotalMilliseconds - timedSince) / (last - first);
        var result = new MemoryResult(first, last, firstMb, lastMb, perEvaluation, store.Bytes / 1e6);
        Console.WriteLine($"  {perEvaluation:F0} ms per evaluation; VmRSS {firstMb:F1} MB after {first} -> {lastMb:F1} MB after {last}: " +
                          $"growth {100 * result.Growth:+0.0;-0.0} % (target within 10 %)");
        return result;
    }

    /// <summary>VmRSS from /proc/self/status after a full collection (finalisers of undisposed tensors included), in MB.</summary>
    private static double ResidentMb()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? double.NaN : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    // ---------------------------------------------------------------- NASWOT

    private sealed record NaswotResult(double MsPerNetwork, double BuildMs, double ScoreMs);

    private static NaswotResult MeasureNaswot(int warmUp, int networks)
    {
        using var batch = SyntheticSet(128, 3, 32, seed: 1, stream: 0, "naswot batch");
        var input = new InputShape(3, 32, 32, 10);
        var sizes = new NetworkOptions(16, 5);
        Console.WriteLine($"2. NASWOT: NB201 C=16 N=5, {networks} random genotypes after {warmUp} warm-up, one batch of 128 synthetic " +
                          "3x32x32 images, 10 classes; build + score");
        var random = new DeterministicRandom(0x5A5707UL);
        double build = 0, score = 0;
        var singular = 0;
        for (var i = 0; i < warmUp + networks; i++)
        {
            var genotype = Mutator.RandomGenotype(Nb201Space.Instance, random);
            var clock = Stopwatch.StartNew();
            using var network = Trainer.Build(Nb201Space.Instance, genotype, input, sizes, seed: i, Cpu);
            var built = clock.Elapsed.TotalMilliseconds;
            var value = Naswot.Score(network, batch.Images);
            var scored = clock.Elapsed.TotalMilliseconds - built;
            if (i < warmUp) continue;
            build += built;
            score += scored;
            if (!double.IsFinite(value)) singular++;
            if (i - warmUp < 3 || i == warmUp + networks - 1)
                Console.WriteLine($"  {Nb201Space.Instance.Format(genotype)}: score {value:F1}, build {built:F0} ms, score {scored:F0} ms");
            else if (i - warmUp == 3)
                Console.WriteLine("  ...");
        }
        var result = new NaswotResult((build + score) / networks, build / networks, score / networks);
        Console.WriteLine($"  {result.MsPerNetwork:F0} ms per network (build {result.BuildMs:F0}, score {result.ScoreMs:F0}); " +
                          $"{singular} of {networks} kernels singular; paper: ~{PaperNaswotSeconds * 1000:F0} ms on a GTX 1080 Ti");
        return result;
    }

    // ---------------------------------------------------------------- one training step

    private sealed record StepResult(double MedianMs, double MinMs, double MaxMs);

    /// <summary>Forward, cross-entropy, backward, the Trainer's gradient clipping and an SGD step, timed one by one.</summary>
    private static StepResult MeasureTrainStep(int warmUp, int steps)
    {
        const int batchSize = 64;
        var settings = new TrainingOptions();
        using var data = SyntheticSet(batchSize, 3, 32, seed: 2, stream: 0, "step batch");
        var genotype = Nb201Space.Instance.Parse(StepCell);
        using var network = Trainer.Build(Nb201Space.Instance, genotype, new InputShape(3, 32, 32, 10), new NetworkOptions(), seed: 1, Cpu);
        var parameters = network.parameters().ToList();
        Console.WriteLine($"3. training step: NB201 C=16 N=5 cell {StepCell} ({parameters.Sum(p => p.NumberOfElements):N0} parameters), " +
                          $"batch {batchSize} of 3x32x32, SGD lr {settings.LearningRate} momentum {settings.Momentum} weight decay " +
                          $"{settings.WeightDecay}, gradient norm clipped at 5; median of {steps} steps after {warmUp} warm-up");
        network.train();
        using var optimizer = optim.SGD(parameters, settings.LearningRate, momentum: settings.Momentum, weight_decay: settings.WeightDecay);
        var times = new List<double>();
        for (var i = 0; i < warmUp + steps; i++)
        {
            using var scope = NewDisposeScope();
            var clock = Stopwatch.StartNew();
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(network.forward(data.Images), data.Labels);
            loss.backward();
            nn.utils.clip_grad_norm_(parameters, 5.0);
            optimizer.step();
            _ = loss.item<float>();
            if (i >= warmUp) times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        var median = times.Count % 2 == 1 ? times[times.Count / 2] : (times[times.Count / 2 - 1] + times[times.Count / 2]) / 2;
        var result = new StepResult(median, times[0], times[^1]);
        Console.WriteLine($"  median {median:F0} ms per step (min {result.MinMs:F0}, max {result.MaxMs:F0}) = {batchSize * 1000 / median:F0} images/s");
        return result;
    }

    // ---------------------------------------------------------------- weight transfer

    private sealed record TransferResult(double Ratio, double TotalRatio, double StepsWith, double StepsWithout, int Pairs, int NotReached);

    /// <summary>
    /// A parent (sequential space) trained for one epoch by Trainer.Train reaches validation accuracy A and leaves its
    /// layers in a store; a child whose last layer's operation changed then trains (same settings, same seed, cosine
    /// schedule over <see cref="ChildEpochs"/> epochs) until a validation check (every <see cref="CheckEvery"/> steps)
    /// shows accuracy >= A: once starting from the store's layers, once from scratch.
    /// </summary>
    private static TransferResult MeasureTransfer(int pairs, bool fashion)
    {
        var options = new TrainingOptions(Dataset: fashion ? DatasetLoader.FashionMnist : DatasetLoader.Synthetic, Epochs: 1, Device: "cpu");
        using var data = DatasetLoader.Load(new DataOptions(options.Dataset, null, options.TrainImages, options.ValidationImages));
        var space = new SequentialSpace();
        var input = new InputShape(data.Train.Channels, data.Train.Height, data.Train.Width, data.Train.Classes);
        var stepsPerEpoch = (data.Train.Count + options.BatchSize - 1) / options.BatchSize;
        var cap = ChildEpochs * stepsPerEpoch;
        Console.WriteLine($"4. weight transfer: {(fashion ? "Fashion-MNIST" : "synthetic data (no Fashion-MNIST at " + DatasetLoader.DefaultFashionMnistDir + ")")}, " +
                          $"{data.Train.Count} training / {data.Validation.Count} validation images, sequential space ({space.Options.Layers} layers), " +
                          $"batch {options.BatchSize}, SGD lr {options.LearningRate}; parent: 1 epoch ({stepsPerEpoch} steps) with Trainer.Train -> A; " +
                          $"child (last layer's operation mutated): steps until validation >= A, checked every {CheckEvery} steps, " +
                          $"at most {cap} ({ChildEpochs} epochs, cosine over them); parents below {MinParentAccuracy} are skipped");

        var random = new DeterministicRandom(0x7EA5FE7UL);
        var position = 2 * (space.Options.Layers - 1);
        double ratios = 0, with = 0, without = 0;
        var done = 0;
        var notReached = 0;
        for (var attempt = 0; done < pairs && attempt < 4 * pairs + int.Parse(Environment.GetEnvironmentVariable("TMP_PAIRS") ?? "0") * 4; attempt++)
        {
            var parent = Mutator.RandomGenotype(space, random);
            var to = random.NextInt(space.ChoicesAt(position) - 1);
            if (to >= parent[position]) to++;
            var child = parent.With(position, to);
            var seed = 100 + attempt;

            using var store = new LayerStore(64L << 20);
            var parentRun = Trainer.Train(space, parent, data, options, store, seed, Cpu, CancellationToken.None);
            var target = parentRun.ValidationAccuracy;
            Console.WriteLine($"  parent {space.Format(parent)}: A = {target:F3} after {parentRun.Steps} steps");
            if (target < MinParentAccuracy)
            {
                Console.WriteLine("    skipped (does not learn in one epoch)");
                continue;
            }

            var mode = Environment.GetEnvironmentVariable("TMP_MODE") ?? "anytime";
            var (stepsWith, transferred, accWith) = Reach(mode, space, child, input, data, options, store, target, seed + 1, cap);
            var (stepsWithout, _, accWithout) = Reach(mode, space, child, input, data, options, null, target, seed + 1, cap);
            if (stepsWith < 0) notReached++;
            if (stepsWithout < 0) notReached++;
            var countedWith = stepsWith < 0 ? cap : stepsWith;
            var countedWithout = stepsWithout < 0 ? cap : stepsWithout;
            var ratio = (double)countedWith / countedWithout;
            Console.WriteLine($"    child {space.Format(child)} (position {position}: {parent[position]} -> {to}), {transferred} layers transferred: " +
                              $"{Steps(stepsWith, cap)} steps with transfer (accuracy {accWith:F3}), {Steps(stepsWithout, cap)} without " +
                              $"({accWithout:F3}); ratio {ratio:F2}");
            ratios += ratio;
            with += countedWith;
            without += countedWithout;
            done++;
        }
        if (done == 0)
        {
            Console.WriteLine("  no parent learned; no ratio");
            return new TransferResult(double.NaN, double.NaN, double.NaN, double.NaN, 0, notReached);
        }
        var result = new TransferResult(ratios / done, with / without, with / done, without / done, done, notReached);
        Console.WriteLine($"  mean over {done} pairs: {result.StepsWith:F1} steps with transfer, {result.StepsWithout:F1} without; " +
                          $"mean ratio {result.Ratio:F2} (of the totals {result.TotalRatio:F2}; target <= 0.6)" +
                          (notReached > 0 ? $"; {notReached} run(s) did not reach A and count as {cap}" : ""));
        return result;
    }

    private const int CheckEvery = 10;
    private const int ChildEpochs = 3;
    private const double MinParentAccuracy = 0.5;

    private static string Steps(int steps, int cap) => steps < 0 ? $">{cap}" : steps.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Builds the child as Trainer does (seeded; matching layers copied from the store when there is one) and trains it
    /// with the Trainer's settings: SGD, gradient norm clipped at 5, cosine schedule, data order from the seed. Answers
    /// the first checked step at which validation accuracy >= <paramref name="target"/> (-1: not within the cap), the
    /// layers transferred and the accuracy of the last check.
    /// </summary>
    private static (int Steps, int Transferred, double Accuracy) Reach(string mode, ISearchSpace space, Genotype genotype, InputShape input,
        DataSplit data, TrainingOptions options, LayerStore? store, double target, long seed, int cap)
    {
        switch (mode)
        {
            case "anytime": return StepsToReach(space, genotype, input, data, options, store, target, seed, cap, cap, false, true);
            case "anytime1": return StepsToReach(space, genotype, input, data, options, store, target, seed, cap, 79, false, true);
            case "const": return StepsToReach(space, genotype, input, data, options, store, target, seed, cap, 0, false, true);
            case "freeze": return StepsToReach(space, genotype, input, data, options, store, target, seed, cap, cap, true, true);
            case "budget":
            case "budgetfreeze":
                var last = (0, 0, 0.0);
                for (var budget = CheckEvery; budget <= cap; budget += CheckEvery)
                {
                    last = StepsToReach(space, genotype, input, data, options, store, target, seed, budget, budget, mode == "budgetfreeze", false);
                    if (last.Item3 >= target) return (budget, last.Item2, last.Item3);
                }
                return (-1, last.Item2, last.Item3);
            default: throw new ArgumentException(mode);
        }
    }

    private static (int Steps, int Transferred, double Accuracy) StepsToReach(ISearchSpace space, Genotype genotype, InputShape input,
        DataSplit data, TrainingOptions options, LayerStore? store, double target, long seed, int cap, int scheduleLength, bool freeze, bool anytime)
    {
        using var scope = NewDisposeScope();
        using var network = Trainer.Build(space, genotype, input, new NetworkOptions(), seed, Cpu);
        var transferred = 0;
        if (store is not null)
        {
            var tensors = LayerTensors.Of(network);
            foreach (var layer in network.Layers)
            {
                if (!store.TryCopyTo(layer.Identity, tensors[layer.Identity])) continue;
                transferred++;
                if (freeze) foreach (var p in LayerTensors.ParametersOf(network, layer)) p.requires_grad = false;
            }
        }
        var parameters = network.parameters().Where(p => p.requires_grad).ToList();
        using var optimizer = optim.SGD(parameters, options.LearningRate, momentum: options.Momentum, weight_decay: options.WeightDecay);
        var schedule = scheduleLength > 0 ? optim.lr_scheduler.CosineAnnealingLR(optimizer, scheduleLength) : null;
        using var generator = new Generator((ulong)seed);
        var train = data.Train;
        var batches = (train.Count + options.BatchSize - 1) / options.BatchSize;
        var step = 0;
        var accuracy = double.NaN;
        while (step < cap)
        {
            using var order = randperm(train.Count, generator: generator);
            for (var b = 0; b < batches && step < cap; b++)
            {
                using (var stepScope = NewDisposeScope())
                {
                    network.train();
                    var index = order.narrow(0, b * options.BatchSize, Math.Min(options.BatchSize, train.Count - b * options.BatchSize));
                    var x = train.Images.index_select(0, index);
                    var y = train.Labels.index_select(0, index);
                    optimizer.zero_grad();
                    var loss = nn.functional.cross_entropy(network.forward(x), y);
                    loss.backward();
                    nn.utils.clip_grad_norm_(parameters, 5.0);
                    optimizer.step();
                    schedule?.step();
                }
                step++;
                if (!anytime && step != cap) continue;
                if (step % CheckEvery != 0 && step != cap) continue;
                accuracy = Trainer.Accuracy(network, data.Validation, Cpu);
                if (accuracy >= target) return (step, transferred, accuracy);
            }
        }
        return (-1, transferred, accuracy);
    }

    // ---------------------------------------------------------------- data

    /// <summary>Synthetic images of (channels, size, size) in 10 classes as a normalised set (per-channel mean 0, std 1).</summary>
    private static ImageSet SyntheticSet(int count, int channels, int size, long seed, int stream, string name)
    {
        var raw = SyntheticImages.Generate(count, 10, channels, size, size, seed, stream);
        using var scope = NewDisposeScope();
        var images = tensor(raw.Pixels, [raw.Count, raw.Channels, raw.Height, raw.Width], ScalarType.Byte).to_type(ScalarType.Float32).div_(255f);
        var (std, mean) = std_mean(images, [0, 2, 3], unbiased: false);
        images = images.sub(mean.view(1, channels, 1, 1)).div(std.clamp_min(1e-6).view(1, channels, 1, 1));
        var labels = tensor(raw.Labels.Select(l => (long)l).ToArray(), [raw.Count], ScalarType.Int64);
        return new ImageSet(name, images.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope(), 10);
    }
}
