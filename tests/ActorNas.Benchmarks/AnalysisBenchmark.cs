using ActorNas.Actors.Runtime;
using System.Diagnostics;
using System.Globalization;
using ActorNas.Actors;
using ActorNas.Actors.Configuration;
using ActorNas.Actors.Persistence;
using ActorNas.Actors.Query;
using ActorNas.Analysis;
using ActorNas.Analysis.Output;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Evolution;
using ActorNas.Core.Simulation;
using ActorNas.Core.Spaces;
using Akka.Actor;

namespace ActorNas.Benchmarks;

/// <summary>
/// Time and memory to analyse a large log: a 100,000-candidate search (synthetic evaluator, simulated clock, 32
/// workers) is written to a SQLite journal, then a child process reads it back and writes every output, and reports its
/// own peak resident memory (so the writing phase does not count): once reading the journal's rows directly, as
/// `actornas analyze` does, and once through Akka.Persistence.Query, as it did before (the outputs must be the same).
/// </summary>
internal static class AnalysisBenchmark
{
    private const string SearchId = "bench-analysis";

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var budget = options.Budget ?? (options.Quick ? 5_000 : 100_000);
        using var scratch = new ScratchDirectory();
        var db = scratch.File("analysis.db");
        var config = new SearchSettings
        {
            Space = new SearchSpaceSpec(Nb201Space.SpaceName),
            PopulationSize = 100,
            SampleSize = 25,
            Budget = budget,
            Seed = 1,
            Evaluator = "synthetic",
        };
        var clock = Stopwatch.StartNew();
        var evaluator = new SyntheticSimulator(new SyntheticSettings(DurationKind.LogNormal, 1000, 0.5), config.Space.Create());
        var simulation = SimulatedSearch.Run(config, evaluator, workers: 32);
        var events = simulation.Events;
        Console.WriteLine($"analysis: simulated {budget:N0} evaluations on 32 workers ({events.Count:N0} events) in {clock.Elapsed.TotalSeconds:F1} s");

        clock.Restart();
        await WriteLogAsync(db, events);
        var journalBytes = new FileInfo(db).Length;
        Console.WriteLine($"  wrote the log to SQLite in {clock.Elapsed.TotalSeconds:F1} s ({journalBytes / 1e6:F1} MB)");
        events = null;
        simulation = null;

        var viaQuery = await RunChildAsync(db, scratch.File("out-query"), "query");
        var child = await RunChildAsync(db, scratch.File("out"), "direct");
        foreach (var name in new[] { AnalysisWriter.CandidatesCsvName, AnalysisWriter.LayerRequestsName, AnalysisWriter.CacheStudyName })
            if (!File.ReadAllBytes(Path.Combine(scratch.File("out"), name)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(scratch.File("out-query"), name))))
                throw new BenchmarkFailedException($"{name} differs between the direct read and the read journal's");
        Console.WriteLine($"  analyze through the read journal (before): read {viaQuery.ReadSeconds:F1} s, compute and write {viaQuery.WriteSeconds:F1} s, " +
                          $"peak resident memory {viaQuery.PeakMb:F0} MB");
        var perSecond = budget / child.Seconds;
        Console.WriteLine($"  analyze (child process): read {child.ReadSeconds:F1} s, compute and write {child.WriteSeconds:F1} s, total {child.Seconds:F1} s " +
                          $"= {perSecond:N0} candidates/s; peak resident memory {child.PeakMb:F0} MB (journal {journalBytes / 1e6:F0} MB on disk); " +
                          $"managed heap after the fold {child.FoldHeapMb:F0} MB");
        Console.WriteLine(new BenchJson()
            .Add("candidates", budget, 0).Add("events", child.Events, 0)
            .Add("readSeconds", child.ReadSeconds, 2).Add("readSecondsQuery", viaQuery.ReadSeconds, 2)
            .Add("readSpeedup", viaQuery.ReadSeconds / child.ReadSeconds, 2).Add("peakMbQuery", viaQuery.PeakMb, 0).Add("writeSeconds", child.WriteSeconds, 2).Add("candidatesPerSecond", perSecond, 0)
            .Add("peakMb", child.PeakMb, 0).Add("foldHeapMb", child.FoldHeapMb, 0).Add("journalMb", journalBytes / 1e6, 0));
        return 0;
    }

    private static async Task WriteLogAsync(string db, IReadOnlyList<Core.Events.ISearchEvent> events)
    {
        var actorNas = BenchSettings.For(1, db);
        var persistence = ActorNasSettings.From(actorNas).Persistence;
        PersistenceConfig.PrepareSqlite(db, mustExist: false);
        var system = ActorSystem.Create(ActorSystemConfig.SystemName, ActorSystemConfig.Build(actorNas, persistence));
        try
        {
            await SearchLogWriter.WriteAsync(system, SearchId, events);
        }
        finally
        {
            await system.Terminate();
        }
    }

    private sealed record ChildResult(double ReadSeconds, double WriteSeconds, long Events, double PeakMb, double FoldHeapMb)
    {
        public double Seconds => ReadSeconds + WriteSeconds;
    }

    private static async Task<ChildResult> RunChildAsync(string db, string outDir, string read)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { typeof(AnalysisBenchmark).Assembly.Location, "analyze-child", db, outDir, read }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the analysis child process");
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"the analysis child failed (exit {process.ExitCode}): {output}");
        var numbers = output.Trim().Split('\n')[^1].Split(' ').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        return new ChildResult(numbers[0], numbers[1], (long)numbers[2], numbers[3], numbers[4]);
    }

    /// <summary>The child: read ("direct": the journal's rows; "query": the read journal), analyse, write; print "read write events peakMb foldHeapMb".</summary>
    public static async Task<int> ChildAsync(string db, string outDir, string readMode)
    {
        var actorNas = BenchSettings.For(1, db);
        var persistence = ActorNasSettings.From(actorNas).Persistence;
        var system = ActorSystem.Create(ActorSystemConfig.SystemName, ActorSystemConfig.Build(actorNas, persistence));
        try
        {
            var clock = Stopwatch.StartNew();
            var fold = new LogFold();
            if (readMode == "query") await new SearchLog(system).ReadAsync(SearchId, fold.Apply);
            else await new SearchLog(system).ReadWithSequenceNrsAsync(SearchId, fold.Apply);
            var read = clock.Elapsed.TotalSeconds;
            var heap = GC.GetTotalMemory(forceFullCollection: true) / 1e6;
            clock.Restart();
            await AnalysisWriter.WriteAsync(SearchId, fold, new AnalysisSettings(), outDir, [], db);
            var write = clock.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{read:F3} {write:F3} {fold.EventCount} {PeakResidentMb():F1} {heap:F1}"));
            return 0;
        }
        finally
        {
            await system.Terminate();
        }
    }

    /// <summary>VmHWM from /proc/self/status: the most resident memory this process has used.</summary>
    private static double PeakResidentMb()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? double.NaN : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }
}
