using ActorNas.Actors.Configuration;
using ActorNas.Core.Events;

namespace ActorNas.Benchmarks;

/// <summary>
/// What the actors cost: evaluations/s of (a) the plain loop over SearchState, (b) the actors with Akka's in-memory
/// journal, (c) the actors with the SQLite journal, (d) raw SQLite inserts of the same rows (the best of a sweep of
/// transaction sizes); then how busy 64 evaluator slots stay in continuous and batch mode.
/// </summary>
internal static class OrchestrationBenchmark
{
    /// <summary>Each transaction size of the SQLite sweep stops after its first commit past this.</summary>
    private static readonly TimeSpan SweepLimit = TimeSpan.FromSeconds(15);
    // normal gaps between the Population's decisions are a few ms; Microsoft.Data.Sqlite's busy retry sleeps 150 ms
    private static readonly TimeSpan PauseThreshold = TimeSpan.FromMilliseconds(100);

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var budget = options.Budget ?? (options.Quick ? 2000 : 20000);
        var utilizationBudget = options.Quick ? 500 : 2000;
        var warmupBudget = Math.Min(budget, options.Quick ? 300 : 2000);
        using var scratch = new ScratchDirectory();

        // the search every run shares; the path is only read, each run below gets its own file
        var settings = ActorNasSettings.From(BenchSettings.For(budget, scratch.File("unused.db")));
        var search = settings.Search;
        var landscapeSeed = settings.Evaluator.Synthetic.LandscapeSeed;
        Console.WriteLine($"orchestration: budget {budget}, {BenchSettings.Workers} workers, P={search.PopulationSize}, " +
                          $"S={search.SampleSize}, {search.Space.Name} space, zero-duration synthetic evaluator, " +
                          $"snapshot every {settings.Persistence.SnapshotEvery} events, {Environment.ProcessorCount} cores");

        // Warm-up: JIT the core and Akka paths so that (a), (b) and (c) are not charged for them.
        PlainLoop.Run(search with { Budget = warmupBudget }, landscapeSeed, BenchSettings.Workers);
        await ActorSearch.RunAsync(BenchSettings.For(warmupBudget, scratch.File("warmup.db")), PersistenceProvider.InMemory, "warmup");
        // and the SQLite plugin's path: otherwise whichever SQLite run comes first pays for it (about 2 s here)
        await ActorSearch.RunAsync(BenchSettings.For(warmupBudget, scratch.File("warmup-sqlite.db")), PersistenceProvider.Sqlite, "warmup-sqlite");

        var plain = PlainLoop.Run(search, landscapeSeed, BenchSettings.Workers);
        Console.WriteLine($"(a) plain loop over SearchState     {plain.PerSecond,10:N0} evaluations/s  ({plain.Evaluated} in {plain.Elapsed.TotalSeconds:F2} s)");

        var inMemory = await ActorSearch.RunAsync(BenchSettings.For(budget, scratch.File("inmem.db"), WithLookahead), PersistenceProvider.InMemory, "bench-inmem");
        Console.WriteLine($"(b) actors, in-memory journal       {inMemory.PerSecond,10:N0} evaluations/s  {Detail(inMemory)}");

        var inMemoryNoLookahead = await ActorSearch.RunAsync(BenchSettings.For(budget, scratch.File("inmem0.db"), NoLookahead), PersistenceProvider.InMemory,
            "bench-inmem-0");
        Console.WriteLine($"(b0) the same, lookahead 0          {inMemoryNoLookahead.PerSecond,10:N0} evaluations/s  {Detail(inMemoryNoLookahead)}");

        var sqliteNoLookahead = await ActorSearch.RunAsync(BenchSettings.For(budget, scratch.File("journal0.db"), NoLookahead), PersistenceProvider.Sqlite,
            "bench-sqlite-0");
        Console.WriteLine($"(c0) SQLite journal, lookahead 0     {sqliteNoLookahead.PerSecond,10:N0} evaluations/s  {Detail(sqliteNoLookahead)}");
        var sqlite = await ActorSearch.RunAsync(BenchSettings.For(budget, scratch.File("journal.db"), WithLookahead), PersistenceProvider.Sqlite, "bench-sqlite",
            readLog: true);
        var pauses = LogPauses.Find(sqlite.Log, PauseThreshold);
        var withoutPauses = sqlite.Status.Evaluated / (sqlite.AfterStarted - pauses.Total).TotalSeconds;
        Console.WriteLine($"(c) actors, SQLite journal (WAL)    {sqlite.PerSecond,10:N0} evaluations/s  {Detail(sqlite)}");
        Console.WriteLine($"    (c)'s log shows {pauses.Count} pause(s) >= {PauseThreshold.TotalMilliseconds:F0} ms without a decision, " +
                          $"{pauses.Total.TotalSeconds:F2} s in all (longest {pauses.Longest.TotalMilliseconds:F0} ms); " +
                          $"without them {withoutPauses:N0}/s");

        var events = new List<ISearchEvent>();
        PlainLoop.Run(search, landscapeSeed, BenchSettings.Workers, events.Add);
        Console.WriteLine($"(d) SQLite inserts, no Akka (WAL), rows per transaction swept (each size stops after its first commit past " +
                          $"{SweepLimit.TotalSeconds:F0} s, in a fresh file):");
        var sweep = SqliteLimit.Sweep(events, name => scratch.File(name), "bench-limit", SweepLimit);
        foreach (var run in sweep)
            Console.WriteLine($"    {run.RowsPerTransaction,5} per transaction {run.PerSecond,10:N0} evaluations/s  ({run.Rows} rows in " +
                              $"{run.Elapsed.TotalSeconds:F2} s{(run.Stopped ? ", stopped at the time limit" : "")}, {run.RowsPerSecond:N0} rows/s)");
        var limit = sweep.MaxBy(r => r.PerSecond)!;
        Console.WriteLine($"(d) SQLite inserts, no Akka (WAL)   {limit.PerSecond,10:N0} evaluations/s  (the best of the sweep: " +
                          $"{limit.RowsPerTransaction} rows per transaction; {(double)events.Count / events.Count(e => e is CandidateEvaluated):F2} rows per evaluation)");

        var inMemoryOverPlain = inMemory.PerSecond / plain.PerSecond;
        var sqliteOverInMemory = sqlite.PerSecond / inMemory.PerSecond;
        var sqliteOverLimit = sqlite.PerSecond / limit.PerSecond;
        Console.WriteLine($"ratios: b/a = {inMemoryOverPlain:F3}, c/b = {sqliteOverInMemory:F3}, c/d = {sqliteOverLimit:F3}");
        Console.WriteLine($"why c < d: (d) inserts pre-serialized rows in {limit.RowsPerTransaction}-row transactions; (c) serializes every event on the " +
                          "journal's path, goes through linq2db and ~5 actor messages per evaluation, keeps one write in flight " +
                          "(a worker gets its next candidate only after that write); pauses above would be snapshot writes meeting " +
                          "journal writes (SQLITE_BUSY, retried after 150 ms), which is why snapshots have their own file");

        Console.WriteLine($"utilisation of {BenchSettings.Workers} slots, log-normal evaluations (mean 20 ms, sigma 0.5), " +
                          $"budget {utilizationBudget} (target: continuous >= 0.99 of ideal); measured = slot timings, nominal = drawn durations, " +
                          "steady = measured up to the last start (without the ramp-down tail), ideal = the same durations list-scheduled " +
                          "on as many slots with zero overhead, L = actornas.evaluator.lookahead:");
        var continuousNoLookahead = await MeasureUtilization("continuous", PersistenceProvider.Sqlite, utilizationBudget, scratch, lookahead: 0);
        var continuous = await MeasureUtilization("continuous", PersistenceProvider.Sqlite, utilizationBudget, scratch, lookahead: 1);
        var batch = await MeasureUtilization("batch", PersistenceProvider.Sqlite, utilizationBudget, scratch, lookahead: 1);
        var continuousInMemoryNoLookahead = await MeasureUtilization("continuous", PersistenceProvider.InMemory, utilizationBudget, scratch, lookahead: 0);
        var continuousInMemory = await MeasureUtilization("continuous", PersistenceProvider.InMemory, utilizationBudget, scratch, lookahead: 1);
        var batchInMemory = await MeasureUtilization("batch", PersistenceProvider.InMemory, utilizationBudget, scratch, lookahead: 1);

        var json = new BenchJson()
            .Add("plainLoopPerSec", plain.PerSecond, 1)
            .Add("inMemoryPerSec", inMemory.PerSecond, 1)
            .Add("sqlitePerSec", sqlite.PerSecond, 1)
            .Add("sqliteLimitPerSec", limit.PerSecond, 1)
            .Add("sqliteLimitRowsPerTransaction", limit.RowsPerTransaction, 0)
            .Add("utilizationContinuous", continuous.Measured, 4)
            .Add("utilizationContinuousIdeal", continuous.Ideal.Whole, 4)
            .Add("utilizationContinuousOfIdeal", continuous.OfIdeal, 4)
            .Add("utilizationContinuousSteadyIdeal", continuous.Ideal.Steady, 4, NoSteadyWindow)
            .Add("utilizationContinuousSteadyOfIdeal", continuous.SteadyOfIdeal, 4, NoSteadyWindow)
            .Add("utilizationContinuousCpuMsPerEvaluation", continuous.CpuMsPerEvaluation, 3)
            .Add("utilizationContinuousLookahead0CpuMsPerEvaluation", continuousNoLookahead.CpuMsPerEvaluation, 3)
            .Add("utilizationContinuousLookahead0", continuousNoLookahead.Measured, 4)
            .Add("utilizationContinuousLookahead0Ideal", continuousNoLookahead.Ideal.Whole, 4)
            .Add("utilizationContinuousLookahead0OfIdeal", continuousNoLookahead.OfIdeal, 4)
            .Add("utilizationContinuousLookahead0Steady", continuousNoLookahead.Steady, 4, NoSteadyWindow)
            .Add("utilizationContinuousLookahead0SteadyOfIdeal", continuousNoLookahead.SteadyOfIdeal, 4, NoSteadyWindow)
            .Add("utilizationContinuousInMemoryIdeal", continuousInMemory.Ideal.Whole, 4)
            .Add("utilizationContinuousInMemoryOfIdeal", continuousInMemory.OfIdeal, 4)
            .Add("utilizationContinuousInMemoryLookahead0", continuousInMemoryNoLookahead.Measured, 4)
            .Add("utilizationContinuousInMemoryLookahead0OfIdeal", continuousInMemoryNoLookahead.OfIdeal, 4)
            .Add("utilizationBatchIdeal", batch.Ideal.Whole, 4)
            .Add("utilizationBatchOfIdeal", batch.OfIdeal, 4)
            .Add("inMemoryLookahead0PerSec", inMemoryNoLookahead.PerSecond, 1)
            .Add("sqliteLookahead0PerSec", sqliteNoLookahead.PerSecond, 1)
            .Add("utilizationBatch", batch.Measured, 4)
            .Add("inMemoryOverPlain", inMemoryOverPlain, 4)
            .Add("sqliteOverInMemory", sqliteOverInMemory, 4)
            .Add("sqliteOverLimit", sqliteOverLimit, 4)
            .Add("inMemoryAfterStartPerSec", inMemory.PerSecondAfterStarted, 1)
            .Add("sqliteAfterStartPerSec", sqlite.PerSecondAfterStarted, 1)
            .Add("sqlitePauses", pauses.Count, 0)
            .Add("sqlitePausedSec", pauses.Total.TotalSeconds, 3)
            .Add("sqliteWithoutPausesPerSec", withoutPauses, 1)
            .Add("utilizationContinuousNominal", continuous.Nominal, 4)
            .Add("utilizationBatchNominal", batch.Nominal, 4)
            .Add("utilizationContinuousSteady", continuous.Steady, 4, NoSteadyWindow)
            .Add("utilizationBatchSteady", batch.Steady, 4, NoSteadyWindow)
            .Add("utilizationContinuousInMemory", continuousInMemory.Measured, 4)
            .Add("utilizationBatchInMemory", batchInMemory.Measured, 4)
            .Add("utilizationContinuousInMemorySteady", continuousInMemory.Steady, 4, NoSteadyWindow)
            .Add("utilizationBatchInMemorySteady", batchInMemory.Steady, 4, NoSteadyWindow)
            .Add("budget", budget, 0)
            .Add("workers", BenchSettings.Workers, 0);
        foreach (var run in sweep)
            json.Add($"sqliteLimitPerSecAt{run.RowsPerTransaction}", run.PerSecond, 1);
        Console.WriteLine(json);
        return 0;
    }

    private const string NoSteadyWindow = "every evaluation started at the same moment: no window before the last start";

    /// <summary>actornas.evaluator.lookahead = 0: a slot asks for its next candidate only when it reports (before pipelining).</summary>
    private const string NoLookahead = "actornas.evaluator.lookahead = 0";

    /// <summary>actornas.evaluator.lookahead = 1: the pipelined hand-out (off by default, for reproducible seeds).</summary>
    private const string WithLookahead = "actornas.evaluator.lookahead = 1";

    private static async Task<Utilization.Result> MeasureUtilization(string mode, PersistenceProvider journal, int budget, ScratchDirectory scratch,
        int lookahead)
    {
        var u = await Utilization.MeasureAsync(mode, journal, budget, scratch.File($"utilization-{mode}-{journal}-{lookahead}.db"), lookahead);
        var name = journal == PersistenceProvider.Sqlite ? "SQLite journal" : "in-memory journal";
        Console.WriteLine($"  {mode,-10} {name,-17} L={lookahead}  measured {u.Measured:F4}  ideal {u.Ideal.Whole:F4}  of ideal {u.OfIdeal:F4}  " +
                          $"steady {u.Steady:F4}  ideal {u.Ideal.Steady:F4}  of ideal {u.SteadyOfIdeal:F4}  nominal {u.Nominal:F4}  " +
                          $"CPU {u.CpuMsPerEvaluation:F3} ms per evaluation  " +
                          $"({u.Evaluations} evaluations, mean {u.MeanDuration.TotalMilliseconds:F1} ms, wall {u.Wall.TotalSeconds:F2} s, " +
                          $"ideal makespan {u.Ideal.Makespan.TotalSeconds:F2} s)");
        return u;
    }

    private static string Detail(ActorSearch.Result run) =>
        $"({run.Status.Evaluated} in {run.Elapsed.TotalSeconds:F2} s, {(run.Elapsed - run.AfterStarted).TotalSeconds:F2} s of it before " +
        $"SearchStarted; {run.PerSecondAfterStarted:N0}/s from SearchStarted)";
}
