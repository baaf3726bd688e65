using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using ActorNas.Core;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;
using ActorNas.Torch.Data;
using ActorNas.Torch.Evaluators;
using ActorNas.Torch.Models;
using ActorNas.Torch.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace ActorNas.Benchmarks;

/// <summary>
/// The TorchSharp evaluators on the CPU: native memory over many train evaluations (does anything leak?), NASWOT
/// milliseconds per NB201 network, one NB201 training step, and how many training steps weight transfer saves a mutated
/// child. The memory run goes first, in a fresh process, so that blocks freed by the large networks of the other parts
/// can neither hide nor fake its growth.
/// <para>Threads: libtorch runs on one thread, as each slot of a workshop with one slot per core does (the throughput
/// setting); <c>--threads N</c> gives the timed parts (NASWOT, training step) N. The memory and transfer parts always
/// use one: their networks are tiny, and on a busy machine OpenMP threads that spin-wait for a descheduled sibling make
/// every small operation many times slower.</para>
/// </summary>
internal static class TorchBenchmark
{
    /// <summary>The cell whose training step is timed: three 3x3 convolutions and a skip, a typical good NB201 cell.</summary>
    private const string StepCell = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|";

    /// <summary>NASWOT on NB201 (C=16, N=5, batch of 128 CIFAR images): Mellor et al. 2021 report about this on a GTX 1080 Ti.</summary>
    private const double PaperNaswotSeconds = 0.30;

    /// <summary>Transfer: the child's step budgets go up in steps of this many; the single run checks validation this often.</summary>
    private const int CheckEvery = 10;

    /// <summary>Transfer: no child trains longer than this many epochs.</summary>
    private const int ChildEpochs = 3;

    /// <summary>Transfer: a parent below this validation accuracy after its epoch is skipped (its A says nothing).</summary>
    private const double MinParentAccuracy = 0.5;

    private static readonly Device Cpu = CPU;

    public static int Run(BenchOptions options)
    {
        var quick = options.Quick;
        var threads = options.Threads ?? 1;
        var loadStart = LoadAverage();
        Console.WriteLine($"torch: TorchSharp on the CPU ({Environment.ProcessorCount} cores, load average {loadStart:F1} at the start); " +
                          $"libtorch threads: 1 for the memory and transfer parts, {threads} for the timed parts" + (quick ? " (--quick)" : ""));
        if (threads > 1 && Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is null)
            Console.WriteLine("  note: on a busy machine, OpenMP threads that spin-wait slow small operations down many times; " +
                              "OMP_WAIT_POLICY=PASSIVE in the environment avoids it");
        var total = Stopwatch.StartNew();
        var fashion = Directory.Exists(DatasetLoader.DefaultFashionMnistDir);

        torch.set_num_threads(1);
        var memory = MeasureMemory(quick ? 20 : 50, quick ? 100 : 500, fashion);
        torch.set_num_threads(threads);
        var naswot = MeasureNaswot(warmUp: quick ? 1 : 2, networks: quick ? 5 : 20, threads);
        var step = MeasureTrainStep(warmUp: quick ? 2 : 3, steps: quick ? 8 : 20);
        torch.set_num_threads(1);
        var transfer = MeasureTransfer(quick ? 3 : 8, fashion);

        var loadEnd = LoadAverage();
        Console.WriteLine($"  total {total.Elapsed.TotalSeconds:F0} s; load average {loadEnd:F1} at the end" +
                          (Math.Max(loadStart, loadEnd) > Environment.ProcessorCount ? " (other processes competed for the cores: timings are inflated)" : ""));
        const string noGlibc = "glibc's mallinfo2 is not available here";
        const string noPair = "no parent learned in one epoch, so no pair was measured";
        // memory keys name the checkpoints they hold (50 and 500 evaluations in the full run, fewer with --quick)
        Console.WriteLine(new BenchJson()
            .Add("naswotMsPerArch", naswot.MeanMs, 1).Add("naswotMedianMs", naswot.MedianMs, 1).Add("naswotBuildMs", naswot.BuildMs, 1)
            .Add("naswotScoreMs", naswot.ScoreMs, 1).Add("naswotForwardMs", naswot.ForwardMs, 1)
            .Add("naswotBuildAndScoreMs", naswot.BuildMs + naswot.ScoreMs, 1).Add("naswotSingular", naswot.Singular, 0)
            .Add("trainStepMs", step.MedianMs, 1).Add("trainStepMinMs", step.MinMs, 1).Add("trainStepMaxMs", step.MaxMs, 1)
            .Add("rssGrowth", memory.Growth, 4).Add($"rss{memory.FirstAt}Mb", memory.FirstMb, 1).Add($"rss{memory.LastAt}Mb", memory.LastMb, 1)
            .Add("rssFirstAt", memory.FirstAt, 0).Add("rssLastAt", memory.LastAt, 0)
            .Add("mallocInUseGrowth", memory.InUseGrowth, 4, noGlibc).Add($"mallocInUse{memory.FirstAt}Mb", memory.InUseFirstMb, 1, noGlibc)
            .Add($"mallocInUse{memory.LastAt}Mb", memory.InUseLastMb, 1, noGlibc)
            .Add("rssTrimmedMb", memory.TrimmedMb, 1, "no glibc malloc_trim here")
            .Add("evaluationMs", memory.MsPerEvaluation, 1).Add("storeMb", memory.StoreMb, 2)
            .Add("transferStepRatio", transfer.Ratio, 3, noPair).Add("transferTotalRatio", transfer.TotalRatio, 3, noPair)
            .Add("stepsWithTransfer", transfer.StepsWith, 1, noPair).Add("stepsWithout", transfer.StepsWithout, 1, noPair)
            .Add("transferAnytimeRatio", transfer.AnytimeRatio, 3, noPair).Add("transferPairs", transfer.Pairs, 0).Add("notReached", transfer.NotReached, 0)
            .Add("threads", threads, 0).Add("load1Start", loadStart, 2, "/proc/loadavg could not be read").Add("load1End", loadEnd, 2, "/proc/loadavg could not be read")
            .Add("fashionMnist", fashion ? 1 : 0, 0).Add("quick", quick ? 1 : 0, 0).Add("seconds", total.Elapsed.TotalSeconds, 1));
        return 0;
    }

    // ---------------------------------------------------------------- native memory

    private sealed record MemoryResult(int FirstAt, int LastAt, double FirstMb, double LastMb, double InUseFirstMb, double InUseLastMb,
        double TrimmedMb, double MsPerEvaluation, double StoreMb)
    {
        public double Growth => LastMb / FirstMb - 1;
        public double InUseGrowth => InUseLastMb / InUseFirstMb - 1;
    }

    /// <summary>
    /// Trainer.Train (the train evaluator's path) over and over on small work: random genotypes, alternating a tiny
    /// NB201 network (C=4, N=1) and a sequential one, one epoch on 200 images, a store of fixed small capacity.
    /// At each checkpoint: VmRSS after a full collection, and glibc's own count of the bytes malloc has handed out and
    /// not got back (mallinfo2, which changes nothing), so a leak can be told from freed memory the allocator keeps
    /// for reuse. Only after the last reading does malloc_trim hand that memory back, to show how much it was.
    /// </summary>
    private static MemoryResult MeasureMemory(int first, int last, bool fashion)
    {
        const int storeMb = 2;
        var options = new TrainingSettings(Dataset: fashion ? DatasetLoader.FashionMnist : DatasetLoader.Synthetic, TrainImages: 200,
            ValidationImages: 100, Epochs: 1, BatchSize: 64, Device: "cpu", Nb201Channels: 4, Nb201CellsPerStage: 1, WeightCacheMb: storeMb);
        using var data = DatasetLoader.Load(new DataSettings(options.Dataset, null, options.TrainImages, options.ValidationImages));
        using var store = new LayerStore(storeMb << 20);
        ISearchSpace[] spaces = [Nb201Space.Instance, new SequentialSpace()];
        Console.WriteLine($"1. native memory: {last} train evaluations (Trainer.Train), alternating NB201 C=4 N=1 and sequential " +
                          $"(10 layers), random genotypes, 1 epoch on {data.Train.Count} {data.Train.Name} images of " +
                          $"{data.Train.Channels}x{data.Train.Height}x{data.Train.Width}, {data.Validation.Count} validation; " +
                          $"layer store of {storeMb} MB; VmRSS after a full GC; malloc in use / free = glibc's mallinfo2");

        var checkpoints = new SortedSet<int> { 1, 10, first, last };
        for (var at = 100; at < last; at += 100) checkpoints.Add(at);
        double firstMb = double.NaN, lastMb = double.NaN, inUseFirst = double.NaN, inUseLast = double.NaN, accuracy = 0, firstMs = 0;
        var clock = Stopwatch.StartNew();
        for (var i = 1; i <= last; i++)
        {
            var space = spaces[i % 2];
            var genotype = Mutator.RandomGenotype(space, new DeterministicRandom(DeterministicRandom.Mix((ulong)i)));
            var outcome = Trainer.Train(space, genotype, data, options, store, seed: i, Cpu, CancellationToken.None);
            accuracy += outcome.ValidationAccuracy;
            if (i == first) firstMs = clock.Elapsed.TotalMilliseconds;
            if (!checkpoints.Contains(i)) continue;
            var rss = ResidentMb();
            var (inUse, free) = MallocMb();
            if (i == first) (firstMb, inUseFirst) = (rss, inUse);
            if (i == last) (lastMb, inUseLast) = (rss, inUse);
            Console.WriteLine($"  after {i,4} evaluations: VmRSS {rss,5:F1} MB, malloc in use {inUse,5:F1} MB / free {free,4:F1} MB, " +
                              $"managed heap {GC.GetTotalMemory(false) / 1e6:F1} MB (committed {GC.GetGCMemoryInfo().TotalCommittedBytes / 1e6:F1}), " +
                              $"store {store.Count,3} layers {store.Bytes / 1e6:F2} MB, mean validation accuracy {accuracy / i:F3}");
        }
        var perEvaluation = (clock.Elapsed.TotalMilliseconds - firstMs) / (last - first);
        var trimmed = TrimmedResidentMb();
        var result = new MemoryResult(first, last, firstMb, lastMb, inUseFirst, inUseLast, trimmed, perEvaluation, store.Bytes / 1e6);
        Console.WriteLine($"  {perEvaluation:F0} ms per evaluation; VmRSS {firstMb:F1} MB after {first} -> {lastMb:F1} MB after {last}: " +
                          $"growth {100 * result.Growth:+0.0;-0.0} % (target within 10 %); malloc in use {inUseFirst:F1} -> {inUseLast:F1} MB " +
                          $"({100 * result.InUseGrowth:+0.0;-0.0} %); VmRSS after malloc_trim at the end {trimmed:F1} MB");
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

    /// <summary>
    /// glibc's malloc statistics over all arenas, in MB: bytes handed out and not freed (small blocks plus mmapped large
    /// ones), and freed bytes the arenas keep. NaN where there is no glibc 2.33 or later.
    /// </summary>
    private static (double InUse, double Free) MallocMb()
    {
        try
        {
            var info = MallInfo2();
            return ((info.Uordblks + info.Hblkhd) / 1048576.0, info.Fordblks / 1048576.0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return (double.NaN, double.NaN);
        }
    }

    /// <summary>VmRSS once glibc has handed its free pages back to the system; NaN where there is no glibc.</summary>
    private static double TrimmedResidentMb()
    {
        try
        {
            _ = MallocTrim(0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return double.NaN;
        }
        return ResidentMb();
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    [DllImport("libc", EntryPoint = "mallinfo2")]
    private static extern MallocInfo MallInfo2();

    /// <summary>glibc's struct mallinfo2 (every field a size_t).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private readonly struct MallocInfo
    {
        public readonly nuint Arena, Ordblks, Smblks, Hblks, Hblkhd, Usmblks, Fsmblks, Uordblks, Fordblks, Keepcost;
    }

    /// <summary>The one-minute load average (/proc/loadavg); NaN where it cannot be read.</summary>
    private static double LoadAverage()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return double.NaN;
        }
    }

    // ---------------------------------------------------------------- NASWOT

    /// <param name="MeanMs">What a candidate costs in a search: the naswot evaluator's call, per candidate.</param>
    /// <param name="BuildMs">Parts, measured again after each call and not counted in it: building the network,</param>
    /// <param name="ScoreMs">scoring it on a batch already selected,</param>
    /// <param name="ForwardMs">and the plain forward pass inside the score.</param>
    private sealed record NaswotResult(double MeanMs, double MedianMs, double BuildMs, double ScoreMs, double ForwardMs, int Singular);

    /// <summary>
    /// NaswotEvaluator.EvaluateAsync per random genotype, timed around the call a slot makes: the per-candidate batch
    /// selection (a permutation of the training split, 128 images copied out), building the network, scoring it. The
    /// data are CIFAR-10-shaped (3x32x32, 10 classes) and read as CIFAR-10 is: synthetic images written in the binary
    /// CIFAR-10 format, 5,000 training images as with the default train-images. Then, not counted, build and score
    /// again on a fixed batch and a plain forward pass, to show where the time goes.
    /// </summary>
    private static NaswotResult MeasureNaswot(int warmUp, int networks, int threads)
    {
        using var scratch = new ScratchDirectory();
        WriteCifar10Shaped(scratch.Path, count: 10_000);
        var options = new TrainingSettings(Dataset: DatasetLoader.Cifar10, DataDir: scratch.Path, Device: "cpu");
        // as a process with one slot per libtorch thread would run it; the workshop sets libtorch's threads
        using var workshop = new TorchWorkshop(options, slots: Math.Max(1, Environment.ProcessorCount / threads));
        workshop.Prepare();
        torch.set_num_threads(threads);
        var evaluator = new NaswotEvaluator(workshop, slot: 0);
        var context = new EvaluationContext("bench-naswot", Nb201Space.Instance, Seed: 1, Worker: "bench", Node: "bench", Slot: 0);
        var train = workshop.Data.Train;
        using var batch = train.Images.narrow(0, 0, options.NaswotBatchSize);
        var input = new InputShape(train.Channels, train.Height, train.Width, train.Classes);
        var sizes = new NetworkSettings(options.Nb201Channels, options.Nb201CellsPerStage);
        Console.WriteLine($"2. NASWOT: NB201 C={sizes.Nb201Channels} N={sizes.Nb201CellsPerStage}, {networks} random genotypes after {warmUp} warm-up, " +
                          $"the naswot evaluator's call per candidate (batch selection from {train.Count} training images of " +
                          $"{train.Channels}x{train.Height}x{train.Width}, CIFAR-10 format, synthetic pixels; batch {options.NaswotBatchSize}; " +
                          $"build; score), {Threads()}");
        var random = new DeterministicRandom(0x5A5707UL);
        double build = 0, score = 0, forward = 0;
        var totals = new List<double>();
        var singular = 0;
        for (var i = 0; i < warmUp + networks; i++)
        {
            var genotype = Mutator.RandomGenotype(Nb201Space.Instance, random);
            var clock = Stopwatch.StartNew();
            double? value = null;
            try
            {
                value = evaluator.EvaluateAsync(new Candidate(i + 1, null, genotype, 1), context, CancellationToken.None).GetAwaiter().GetResult().Objective;
            }
            catch (NaswotScoreException)
            {
                // a singular kernel: a failed candidate in a search, which costs the same time
            }
            var total = clock.Elapsed.TotalMilliseconds;
            if (i < warmUp) continue;
            if (value is null) singular++;
            totals.Add(total);
            var parts = Stopwatch.StartNew();
            double built, scored, forwarded;
            using (var network = Trainer.Build(Nb201Space.Instance, genotype, input, sizes, seed: i, Cpu))
            {
                built = parts.Elapsed.TotalMilliseconds;
                _ = Naswot.Score(network, batch);
                scored = parts.Elapsed.TotalMilliseconds - built;
                forwarded = ForwardMs(network, batch);
            }
            (build, score, forward) = (build + built, score + scored, forward + forwarded);
            if (i - warmUp < 3 || i == warmUp + networks - 1)
                Console.WriteLine($"  {Nb201Space.Instance.Format(genotype)}: score {(value is { } v ? v.ToString("F1", CultureInfo.InvariantCulture) : "singular")}, " +
                                  $"{total:F0} ms per candidate (apart: build {built:F0}, score {scored:F0}, plain forward {forwarded:F0})");
            else if (i - warmUp == 3)
                Console.WriteLine("  ...");
        }
        var result = new NaswotResult(totals.Average(), Median(totals), build / networks, score / networks, forward / networks, singular);
        Console.WriteLine($"  {result.MeanMs:F0} ms per candidate on average (median {result.MedianMs:F0}); measured apart: build {result.BuildMs:F0}, " +
                          $"score on a selected batch {result.ScoreMs:F0}, of which a plain forward pass is {result.ForwardMs:F0}; " +
                          $"{singular} of {networks} kernels singular; paper: ~{PaperNaswotSeconds * 1000:F0} ms on a GTX 1080 Ti");
        return result;
    }

    /// <summary>
    /// <paramref name="count"/> synthetic 3x32x32 images in the binary CIFAR-10 format (5 training batch files of
    /// 3,073-byte records), so the naswot evaluator reads them as it reads CIFAR-10.
    /// </summary>
    private static void WriteCifar10Shaped(string folder, int count)
    {
        var raw = SyntheticImages.Generate(count, Cifar10Reader.Classes, Cifar10Reader.Channels, Cifar10Reader.Size, Cifar10Reader.Size, seed: 3);
        var perFile = count / Cifar10Reader.TrainFiles.Count;
        for (var f = 0; f < Cifar10Reader.TrainFiles.Count; f++)
        {
            using var file = File.Create(Path.Combine(folder, Cifar10Reader.TrainFiles[f]));
            for (var i = f * perFile; i < (f + 1) * perFile; i++)
            {
                file.WriteByte(raw.Labels[i]);
                file.Write(raw.Pixels, i * Cifar10Reader.ImageBytes, Cifar10Reader.ImageBytes);
            }
        }
    }

    /// <summary>One forward pass as Naswot.Score makes it (train mode, no gradients), without recording activations.</summary>
    private static double ForwardMs(SearchNetwork network, Tensor batch)
    {
        using var scope = NewDisposeScope();
        var clock = Stopwatch.StartNew();
        network.train();
        using (no_grad()) network.forward(batch);
        return clock.Elapsed.TotalMilliseconds;
    }

    private static string Threads()
    {
        var n = torch.get_num_threads();
        return $"{n} libtorch thread{(n == 1 ? "" : "s")}";
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    // ---------------------------------------------------------------- one training step

    private sealed record StepResult(double MedianMs, double MinMs, double MaxMs);

    /// <summary>Forward, cross-entropy, backward, the Trainer's gradient clipping and an SGD step, timed one by one.</summary>
    private static StepResult MeasureTrainStep(int warmUp, int steps)
    {
        const int batchSize = 64;
        var settings = new TrainingSettings();
        using var data = SyntheticSet(batchSize, 3, 32, seed: 2, stream: 0, "step batch");
        var genotype = Nb201Space.Instance.Parse(StepCell);
        using var network = Trainer.Build(Nb201Space.Instance, genotype, new InputShape(3, 32, 32, 10), new NetworkSettings(), seed: 1, Cpu);
        var parameters = network.parameters().ToList();
        Console.WriteLine($"3. training step: NB201 C=16 N=5 cell {StepCell} ({parameters.Sum(p => p.NumberOfElements):N0} parameters), " +
                          $"batch {batchSize} of 3x32x32, SGD lr {settings.LearningRate} momentum {settings.Momentum} weight decay " +
                          $"{settings.WeightDecay}, gradient norm clipped at 5; median of {steps} steps after {warmUp} warm-up, " +
                          $"{Threads()}");
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
        var result = new StepResult(Median(times), times.Min(), times.Max());
        Console.WriteLine($"  median {result.MedianMs:F0} ms per step (min {result.MinMs:F0}, max {result.MaxMs:F0}) = " +
                          $"{batchSize * 1000 / result.MedianMs:F0} images/s");
        return result;
    }

    // ---------------------------------------------------------------- weight transfer

    private sealed record TransferResult(
        double Ratio, double TotalRatio, double StepsWith, double StepsWithout, double AnytimeRatio, int Pairs, int NotReached);

    /// <summary>
    /// A parent of the sequential space trained for one epoch by Trainer.Train reaches validation accuracy A and leaves
    /// its layers in a store; a child whose last layer's operation changed then needs S steps to reach A, once starting
    /// from the store's layers and once from scratch (same seed: same initial weights for the layers not transferred,
    /// same data order). S is the smallest budget of 10, 20, ... steps whose complete run, trained as the Trainer would
    /// train it with that budget (SGD, clipping, cosine schedule over the budget), ends at validation accuracy >= A.
    /// Also shown: the single-run count (one run with a cosine schedule over <see cref="ChildEpochs"/> epochs, validation
    /// every <see cref="CheckEvery"/> steps), which mostly measures where that schedule lets accuracy settle.
    /// </summary>
    private static TransferResult MeasureTransfer(int pairs, bool fashion)
    {
        var options = new TrainingSettings(Dataset: fashion ? DatasetLoader.FashionMnist : DatasetLoader.Synthetic, Epochs: 1, Device: "cpu");
        using var data = DatasetLoader.Load(new DataSettings(options.Dataset, null, options.TrainImages, options.ValidationImages));
        var space = new SequentialSpace();
        var input = new InputShape(data.Train.Channels, data.Train.Height, data.Train.Width, data.Train.Classes);
        var stepsPerEpoch = (data.Train.Count + options.BatchSize - 1) / options.BatchSize;
        var cap = ChildEpochs * stepsPerEpoch;
        Console.WriteLine($"4. weight transfer: {(fashion ? "Fashion-MNIST" : $"synthetic data (no Fashion-MNIST at {DatasetLoader.DefaultFashionMnistDir})")}, " +
                          $"{data.Train.Count} training / {data.Validation.Count} validation images of {input.Channels}x{input.Height}x{input.Width}, " +
                          $"sequential space ({space.Settings.Layers} layers), batch {options.BatchSize}, SGD lr {options.LearningRate} momentum " +
                          $"{options.Momentum}; parent: 1 epoch ({stepsPerEpoch} steps) with Trainer.Train -> validation accuracy A (parents below " +
                          $"{MinParentAccuracy} skipped); child: the last layer's operation mutated; steps = the smallest budget of " +
                          $"{CheckEvery}, {2 * CheckEvery}, ... (at most {cap}) whose complete run (cosine over the budget) ends >= A; " +
                          $"single run: cosine over {cap} steps, validation every {CheckEvery}");

        var random = new DeterministicRandom(0x7EA5FE7UL);
        var position = 2 * (space.Settings.Layers - 1);
        double ratios = 0, anytimeRatios = 0, with = 0, without = 0;
        var done = 0;
        var notReached = 0;
        for (var attempt = 0; done < pairs && attempt < 4 * pairs; attempt++)
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
                Console.WriteLine("    skipped: it does not learn in one epoch");
                continue;
            }

            var budgetWith = SmallestBudget(space, child, input, data, options, store, target, seed + 1, cap);
            var budgetWithout = SmallestBudget(space, child, input, data, options, null, target, seed + 1, cap);
            var anytimeWith = TrainChild(space, child, input, data, options, store, target, seed + 1, cap, CheckEvery);
            var anytimeWithout = TrainChild(space, child, input, data, options, null, target, seed + 1, cap, CheckEvery);
            notReached += new[] { budgetWith.Steps, budgetWithout.Steps }.Count(s => s < 0);
            var countedWith = budgetWith.Steps < 0 ? cap : budgetWith.Steps;
            var countedWithout = budgetWithout.Steps < 0 ? cap : budgetWithout.Steps;
            var ratio = (double)countedWith / countedWithout;
            var anytimeRatio = (double)(anytimeWith.Steps < 0 ? cap : anytimeWith.Steps) / (anytimeWithout.Steps < 0 ? cap : anytimeWithout.Steps);
            Console.WriteLine($"    child {space.Format(child)} (position {position}: {parent[position]} -> {to}), {budgetWith.Transferred} of " +
                              $"{Networks.LayersOf(space, child, input, new NetworkSettings()).Count} layers transferred: {Steps(budgetWith.Steps, cap)} " +
                              $"steps with transfer (accuracy {budgetWith.Accuracy:F3}), {Steps(budgetWithout.Steps, cap)} without " +
                              $"({budgetWithout.Accuracy:F3}): ratio {ratio:F2}; single run {Steps(anytimeWith.Steps, cap)} vs " +
                              $"{Steps(anytimeWithout.Steps, cap)}: {anytimeRatio:F2}");
            ratios += ratio;
            anytimeRatios += anytimeRatio;
            with += countedWith;
            without += countedWithout;
            done++;
        }
        if (done == 0)
        {
            Console.WriteLine("  no parent learned in one epoch: no ratio");
            return new TransferResult(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, 0, notReached);
        }
        var result = new TransferResult(ratios / done, with / without, with / done, without / done, anytimeRatios / done, done, notReached);
        Console.WriteLine($"  mean over {done} pairs: {result.StepsWith:F1} steps with transfer, {result.StepsWithout:F1} without; " +
                          $"mean ratio {result.Ratio:F2} (ratio of the totals {result.TotalRatio:F2}; target <= 0.6); single-run mean ratio " +
                          $"{result.AnytimeRatio:F2}" + (notReached > 0 ? $"; {notReached} budget search(es) did not reach A and count as {cap}" : ""));
        return result;
    }

    private static string Steps(int steps, int cap) => steps < 0 ? $">{cap}" : steps.ToString(CultureInfo.InvariantCulture);

    /// <summary>The smallest budget (a multiple of <see cref="CheckEvery"/>, at most <paramref name="cap"/>) whose run ends >= target; -1: none.</summary>
    private static ChildRun SmallestBudget(ISearchSpace space, Genotype genotype, InputShape input, DataSplit data, TrainingSettings options,
        LayerStore? store, double target, long seed, int cap)
    {
        var run = new ChildRun(-1, 0, double.NaN);
        for (var budget = CheckEvery; budget <= cap; budget += CheckEvery)
        {
            run = TrainChild(space, genotype, input, data, options, store, target, seed, budget, checkEvery: 0);
            if (run.Steps > 0) return run;
        }
        return run;
    }

    /// <summary>Steps: when validation accuracy first reached the target (-1: never); the layers transferred; the last accuracy measured.</summary>
    private sealed record ChildRun(int Steps, int Transferred, double Accuracy);

    /// <summary>
    /// Builds the child as the Trainer does (seeded; every layer whose identity the store holds copied from it) and
    /// trains it for <paramref name="steps"/> steps with the Trainer's settings: SGD with momentum and weight decay,
    /// gradient norm clipped at 5, cosine schedule over the steps, data order from the seed. Validation every
    /// <paramref name="checkEvery"/> steps (0: only at the end).
    /// </summary>
    private static ChildRun TrainChild(ISearchSpace space, Genotype genotype, InputShape input, DataSplit data, TrainingSettings options,
        LayerStore? store, double target, long seed, int steps, int checkEvery)
    {
        using var scope = NewDisposeScope();
        using var network = Trainer.Build(space, genotype, input, new NetworkSettings(), seed, Cpu);
        var transferred = 0;
        if (store is not null)
        {
            var tensors = LayerTensors.Of(network);
            transferred = network.Layers.Count(layer => store.TryCopyTo(layer.Identity, tensors[layer.Identity]));
        }
        var parameters = network.parameters().ToList();
        using var optimizer = optim.SGD(parameters, options.LearningRate, momentum: options.Momentum, weight_decay: options.WeightDecay);
        var schedule = optim.lr_scheduler.CosineAnnealingLR(optimizer, steps);
        using var generator = new Generator((ulong)seed);
        var train = data.Train;
        var batches = (train.Count + options.BatchSize - 1) / options.BatchSize;
        var step = 0;
        var accuracy = double.NaN;
        while (step < steps)
        {
            using var order = randperm(train.Count, generator: generator);
            for (var b = 0; b < batches && step < steps; b++)
            {
                using (NewDisposeScope())
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
                    schedule.step();
                }
                step++;
                if (step != steps && (checkEvery == 0 || step % checkEvery != 0)) continue;
                accuracy = Trainer.Accuracy(network, data.Validation, Cpu);
                if (accuracy >= target) return new ChildRun(step, transferred, accuracy);
            }
        }
        return new ChildRun(-1, transferred, accuracy);
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
