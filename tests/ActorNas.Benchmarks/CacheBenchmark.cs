using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ActorNas.Actors.Configuration;
using ActorNas.Actors.Persistence;
using ActorNas.Actors.Tabular;
using ActorNas.Analysis;
using ActorNas.Analysis.Caching;
using ActorNas.Core.Events;
using ActorNas.Core.Evolution;
using ActorNas.Core.Simulation;
using ActorNas.Core.Spaces;
using ActorNas.Core.Tabular;
using ActorNas.Torch.Evaluators;
using Akka.Configuration;

namespace ActorNas.Benchmarks;

/// <summary>
/// The offline cache study on real search logs: NAS-Bench-201 searches with the tabular evaluator on the simulated
/// clock (the log `actornas simulate` writes) and a Fashion-MNIST training search on the sequential space through the
/// actors. Each log is read back through the analysis (LogFold, CacheTrace, CacheStudy); the numbers are each
/// policy's hits as a fraction of Belady's at 1, 5, 10 and 25 % of all stored layers.
/// </summary>
internal static class CacheBenchmark
{
    private const int Workers = 8;
    private const string FashionMnistFolder = Torch.Data.DatasetLoader.DefaultFashionMnistDir;

    private sealed record Nb201Search(string Name, int Population, int Sample);

    private static readonly Nb201Search[] Nb201Searches = [new("nb201 P100 S25", 100, 25), new("nb201 P50 S5", 50, 5)];

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var budget = options.Budget ?? (options.Quick ? 300 : 2000);
        var seeds = options.Seeds ?? (options.Quick ? 1 : 3);
        var window = options.Window ?? 100;
        var clock = Stopwatch.StartNew();
        var table = Nb201TableLoader.LoadOrShipped(options.Table);
        var evaluator = new TabularSimulator(table, new TabularSettings(Nb201Dataset.Cifar10));
        Console.WriteLine($"cache study: hits of each policy as a fraction of Belady's (farthest next use) at capacities of " +
                          $"{string.Join(", ", CacheStudy.DefaultFractions.Select(f => $"{f:P0}"))} of all stored layers (distinct layers offered); " +
                          $"donor-popularity window W = {window}");

        var studies = new List<(string Name, CacheStudy Study)>();
        foreach (var search in Nb201Searches)
            for (var seed = 1; seed <= seeds; seed++)
            {
                var config = new SearchSettings
                {
                    Space = new SearchSpaceSpec(Nb201Space.SpaceName),
                    PopulationSize = search.Population,
                    SampleSize = search.Sample,
                    Budget = budget,
                    Seed = seed,
                    Evaluator = "tabular",
                    Settings = "dataset cifar10",
                };
                var fold = new LogFold();
                SimulatedSearch.Run(config, evaluator, Workers, onEvent: fold.Apply);
                var study = CacheStudy.Compute(fold, window);
                var name = $"{search.Name} seed {seed}";
                Print(name, $"{fold.Evaluations.Count} evaluations on {Workers} simulated workers, CIFAR-10 tabular", study);
                studies.Add((name, study));
            }

        var training = await TrainingSearchesAsync(options.Quick ? 40 : options.TrainBudget ?? 1000, window);
        if (training is not null) studies.Add(("fashion-mnist sequential train", training.Study));

        Console.WriteLine();
        Console.WriteLine($"mean over the {studies.Count} logs of each policy's hits / Belady's hits at the same capacity " +
                          "(a log where Belady has no hit at that capacity has no ratio and is left out of the mean, counted below):");
        foreach (var fraction in CacheStudy.DefaultFractions)
        {
            var leftOut = MeanVsBelady(studies, CacheStudy.OnlinePolicies[0], fraction).LeftOut;
            Console.WriteLine($"  {fraction,5:P0}: " + string.Join(", ", CacheStudy.OnlinePolicies.Select(p => $"{p} {MeanVsBelady(studies, p, fraction).Mean:F3}")) +
                              (leftOut.Count == 0 ? "" : $"; left out ({leftOut.Count}): {string.Join(", ", leftOut)}"));
        }
        Console.WriteLine($"cache benchmark took {clock.Elapsed.TotalSeconds:F1} s on {Environment.ProcessorCount} cores");
        Console.WriteLine(Json(studies, training));
        return 0;
    }

    /// <summary>
    /// The mean of a policy's per-log ratio to Belady over the logs where Belady has hits at that capacity; the logs
    /// without (no ratio exists there) are named in <c>LeftOut</c>. NaN only when no log has a Belady hit.
    /// </summary>
    private static (double Mean, int Counted, IReadOnlyList<string> LeftOut) MeanVsBelady(
        IReadOnlyList<(string Name, CacheStudy Study)> studies, string policy, double fraction)
    {
        var ratios = studies.Select(s => (s.Name, Ratio: s.Study.VsBelady(policy, fraction))).ToList();
        var counted = ratios.Where(r => double.IsFinite(r.Ratio)).Select(r => r.Ratio).ToList();
        var leftOut = ratios.Where(r => !double.IsFinite(r.Ratio)).Select(r => r.Name).ToList();
        return (counted.Count == 0 ? double.NaN : counted.Average(), counted.Count, leftOut);
    }

    /// <summary>
    /// The last line: the headline capacity (10 %) with each policy's hits over Belady's (mean over the logs with
    /// Belady hits), every capacity in <c>capacities</c>, each log's own numbers in <c>logs</c>, and the training
    /// search's transfer figures. A value that does not exist (no Belady hit, no evaluated child) is null, with a note.
    /// </summary>
    private static string Json(List<(string Name, CacheStudy Study)> studies, TrainingResult? training)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            void Number(string key, double value, int digits, string context, string why)
            {
                if (double.IsFinite(value))
                {
                    w.WriteNumber(key, Math.Round(value, digits));
                    return;
                }
                Console.WriteLine($"note: {context}{key} is null in the JSON: the measured value is {value} ({why})");
                w.WriteNull(key);
            }
            void VsBelady(IReadOnlyList<(string Name, CacheStudy Study)> of, double fraction, string context)
            {
                var mean = CacheStudy.OnlinePolicies.ToDictionary(p => p, p => MeanVsBelady(of, p, fraction));
                w.WriteStartObject("vsBelady");
                foreach (var policy in CacheStudy.OnlinePolicies)
                    Number(policy, mean[policy].Mean, 3, $"{context}vsBelady.", "Belady has no hit at this capacity, in this log or in every log of the mean");
                w.WriteEndObject();
                if (of.Count > 1)
                {
                    var first = mean[CacheStudy.OnlinePolicies[0]];
                    w.WriteNumber("logsCounted", first.Counted);
                    w.WriteNumber("logsWithoutBeladyHits", first.LeftOut.Count);
                }
            }
            void Capacities(IReadOnlyList<(string Name, CacheStudy Study)> of, string context)
            {
                w.WriteStartArray("capacities");
                foreach (var fraction in CacheStudy.DefaultFractions)
                {
                    w.WriteStartObject();
                    w.WriteNumber("capacity", fraction);
                    VsBelady(of, fraction, $"{context}capacity {fraction:P0}: ");
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteStartObject();
            w.WriteNumber("capacity", 0.1);
            VsBelady(studies, 0.1, "capacity 10 %: ");
            Capacities(studies, "");
            w.WriteStartArray("logs");
            foreach (var study in studies)
            {
                w.WriteStartObject();
                w.WriteString("log", study.Name);
                w.WriteNumber("requests", study.Study.Requests);
                w.WriteNumber("storedLayers", study.Study.DistinctOffered);
                Capacities([study], $"{study.Name}, ");
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (training is null)
            {
                w.WriteEndObject();
                w.Flush();
                return Encoding.UTF8.GetString(stream.ToArray());
            }
            const string noChild = "no child was evaluated in that search";
            w.WriteNumber("fashionEvaluations", training.Evaluations);
            Number("fashionTrainSecondsWithTransfer", training.TrainSecondsWith, 4, "", noChild);
            Number("fashionTrainSecondsWithoutTransfer", training.TrainSecondsWithout, 4, "", noChild);
            Number("fashionTrainSecondsFrozenTransfer", training.TrainSecondsFrozen, 4, "", noChild);
            Number("fashionTransferSeconds", training.TransferSeconds, 4, "", noChild);
            Number("fashionTrainSecondsSavedPerEvaluationFrozen", training.TrainSecondsWithout - training.TrainSecondsFrozen, 4, "", noChild);
            Number("fashionAccuracyWithTransfer", training.AccuracyWith, 4, "", noChild);
            Number("fashionAccuracyWithoutTransfer", training.AccuracyWithout, 4, "", noChild);
            Number("fashionAccuracyFrozenTransfer", training.AccuracyFrozen, 4, "", noChild);
            Number("fashionTransferredParameterShare", training.TransferredShare, 4, "", noChild);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private sealed record TrainingResult(CacheStudy Study, int Evaluations, double TrainSecondsWith, double TrainSecondsWithout, double TrainSecondsFrozen,
        double TransferSeconds, double AccuracyWith, double AccuracyWithout, double AccuracyFrozen, double TransferredShare);

    /// <summary>
    /// The same Fashion-MNIST search (sequential space, the real train evaluator, one worker, same seed) three times:
    /// with weight transfer (its log is the one studied), without, and with the transferred layers frozen.
    /// </summary>
    private static async Task<TrainingResult?> TrainingSearchesAsync(int budget, int window)
    {
        if (!File.Exists(Path.Combine(FashionMnistFolder, "train-images-idx3-ubyte.gz")))
        {
            Console.WriteLine();
            Console.WriteLine($"note: Fashion-MNIST is not in {FashionMnistFolder} (apt-get install dataset-fashion-mnist); the training search is skipped");
            return null;
        }
        Console.WriteLine();
        Console.WriteLine($"fashion-mnist: REA P=20 S=5 on the sequential space (10 layers), the train evaluator (1 epoch on the first 1,000 " +
                          $"training images, 500 validation images, batch 64, SGD, cpu), 1 worker, {budget} evaluations, seed 1, through the " +
                          "actors and a SQLite journal; run with transfer, without, and with transferred layers frozen");
        var with = await TrainingSearchAsync(budget, "transfer = true", "fashion-transfer");
        var without = await TrainingSearchAsync(budget, "transfer = false", "fashion-scratch");
        var frozen = await TrainingSearchAsync(budget, "transfer = true\nfreeze-transferred = true", "fashion-frozen");

        static double Mean(LogFold fold, string metric, bool childrenOnly = true) => fold.Trace.Records
            .Where(r => r.Status == CandidateStatus.Evaluated && (!childrenOnly || r.ParentId is not null) && r.Metrics is not null)
            .Select(r => r.Metrics!.GetValueOrDefault(metric)).DefaultIfEmpty(double.NaN).Average();
        static double Accuracy(LogFold fold) => fold.Trace.Records
            .Where(r => r.Status == CandidateStatus.Evaluated && r.ParentId is not null).Select(r => r.Objective ?? 0).DefaultIfEmpty(double.NaN).Average();
        static double Share(LogFold fold) => fold.Trace.Records
            .Where(r => r.Status == CandidateStatus.Evaluated && r.ParentId is not null && r.Metrics is not null)
            .Select(r => r.Metrics!.GetValueOrDefault("transferredParameters") / Math.Max(1, r.Metrics!.GetValueOrDefault("parameters")))
            .DefaultIfEmpty(double.NaN).Average();

        var study = CacheStudy.Compute(with.Fold, window);
        Print("fashion-mnist sequential train", $"{with.Fold.Evaluations.Count} evaluations, 1 worker, wall {with.Seconds:F0} s", study);
        var result = new TrainingResult(study, with.Fold.Evaluations.Count, Mean(with.Fold, "trainSeconds"), Mean(without.Fold, "trainSeconds"),
            Mean(frozen.Fold, "trainSeconds"), Mean(with.Fold, "transferSeconds"), Accuracy(with.Fold), Accuracy(without.Fold), Accuracy(frozen.Fold), Share(with.Fold));
        Console.WriteLine($"  per evaluated child (mean): train s with transfer {result.TrainSecondsWith:F3} (+ {result.TransferSeconds:F4} s copying), " +
                          $"without {result.TrainSecondsWithout:F3}, transferred layers frozen {result.TrainSecondsFrozen:F3}; " +
                          $"validation accuracy {result.AccuracyWith:F4} / {result.AccuracyWithout:F4} / {result.AccuracyFrozen:F4}; " +
                          $"share of parameters transferred {result.TransferredShare:P1}; wall {with.Seconds:F0} / {without.Seconds:F0} / {frozen.Seconds:F0} s");
        return result;
    }

    internal static async Task<(LogFold Fold, double Seconds)> TrainingSearchAsync(int budget, string trainHocon, string searchId)
    {
        using var scratch = new ScratchDirectory();
        var db = scratch.File("fashion.db").Replace("\\", "\\\\", StringComparison.Ordinal);
        var config = ActorNasConfig.Combine(ConfigurationFactory.ParseString($$"""
            actornas.search { budget = {{budget}}, population-size = 20, sample-size = 5, seed = 1 }
            actornas.space.name = sequential
            actornas.evaluator { name = train, workers = 1 }
            actornas.evaluator.train {
              train-images = 1000
              validation-images = 500
              epochs = 1
              device = cpu
              {{trainHocon}}
            }
            actornas.persistence.sqlite.path = "{{db}}"
            """));
        var settings = ActorNasSettings.From(config);
        using var workshop = new TorchWorkshop(settings.Evaluator.Training, settings.Evaluator.Workers);
        workshop.Prepare();
        var clock = Stopwatch.StartNew();
        var result = await ActorSearch.RunAsync(config, PersistenceProvider.Sqlite, searchId, readLog: true,
            TorchEvaluators.Factory(TorchEvaluators.Train, workshop));
        var fold = new LogFold();
        foreach (var e in result.Log) fold.Apply(e);
        return (fold, clock.Elapsed.TotalSeconds);
    }

    private static void Print(string name, string what, CacheStudy study)
    {
        Console.WriteLine();
        Console.WriteLine($"{name}: {what}; {study.Requests:N0} layer requests, {study.DistinctOffered:N0} stored layers");
        Console.WriteLine($"  {"capacity",-16}{string.Join("", CacheStudy.Policies.Select(p => $"{p,-26}"))}");
        foreach (var fraction in study.Fractions)
        {
            var cells = CacheStudy.Policies.Select(p =>
            {
                var row = study.Row(p, fraction);
                var vs = p == CacheStudy.Belady ? "" : $" ({study.VsBelady(p, fraction):F3} x B)";
                return $"{row.HitRatio:F4}{vs}";
            });
            Console.WriteLine($"  {$"{fraction:P0} = {study.Row(CacheStudy.Belady, fraction).Capacity:N0}",-16}{string.Join("", cells.Select(c => $"{c,-26}"))}");
        }
    }
}
