using System.Diagnostics;
using ActorNas.Analysis;
using ActorNas.Analysis.Caching;
using ActorNas.Core.Events;
using ActorNas.Core.Evolution;
using ActorNas.Core.Simulation;
using ActorNas.Core.Spaces;
using ActorNas.Core.Tabular;

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

    private sealed record Nb201Search(string Name, int Population, int Sample);

    private static readonly Nb201Search[] Nb201Searches = [new("nb201 P100 S25", 100, 25), new("nb201 P50 S5", 50, 5)];

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var path = options.Table ?? Nb201Study.FindTable();
        if (path is null)
        {
            Console.Error.WriteLine("error: the NAS-Bench-201 table was not found; pass --table PATH (shared/data/nb201/nb201_merged.csv)");
            return 2;
        }
        var budget = options.Budget ?? (options.Quick ? 300 : 2000);
        var seeds = options.Seeds ?? (options.Quick ? 1 : 3);
        var window = options.Window ?? 100;
        var clock = Stopwatch.StartNew();
        var table = Nb201Table.Load(path);
        var evaluator = new TabularEvaluator(table, new TabularOptions(Nb201Dataset.Cifar10));
        Console.WriteLine($"cache study: hits of each policy as a fraction of Belady's (farthest next use) at capacities of " +
                          $"{string.Join(", ", CacheStudy.DefaultFractions.Select(f => $"{f:P0}"))} of all stored layers (distinct layers offered); " +
                          $"donor-popularity window W = {window}");

        var studies = new List<(string Name, CacheStudy Study)>();
        foreach (var search in Nb201Searches)
            for (var seed = 1; seed <= seeds; seed++)
            {
                var config = new SearchConfig
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

        Console.WriteLine();
        Console.WriteLine($"cache study took {clock.Elapsed.TotalSeconds:F1} s");
        var json = new BenchJson();
        foreach (var fraction in CacheStudy.DefaultFractions)
        {
            json.Add($"capacity{fraction * 100:0}", fraction, 2);
            foreach (var policy in CacheStudy.OnlinePolicies)
                json.Add($"vsBelady{fraction * 100:0}.{policy}", studies.Average(s => s.Study.VsBelady(policy, fraction)), 3);
        }
        await Task.CompletedTask;
        Console.WriteLine(json);
        return 0;
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
