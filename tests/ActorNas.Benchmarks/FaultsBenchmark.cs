using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using ActorNas.Tests.Shared;

namespace ActorNas.Benchmarks;

/// <summary>
/// The faults of docs/operations.md's "When something breaks", each run as a scenario with real `actornas` processes:
/// a full disk, a read-only file system, PostgreSQL absent at start, stopped for 10 s and for longer than its grace,
/// a damaged event, a damaged snapshot, export onto the database. Prints a line per scenario, then one JSON line.
/// Scenarios that need root (a tmpfs) or PostgreSQL's server programs are skipped with their reason where impossible.
/// </summary>
internal static class FaultsBenchmark
{
    private static readonly string Synthetic = "actornas.evaluator.synthetic { duration = lognormal, mean = 5ms, sigma = 0.5 }\n";

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var budget = options.Budget ?? (options.Quick ? 1000 : 3000);
        Console.WriteLine($"faults: each scenario a synthetic search of {budget} evaluations, 4 slots, 5 ms mean");
        using var scratch = new ScratchDirectory();
        var outcomes = new List<FaultOutcome>();
        var skipped = 0;
        double? pgRecovered = null;

        async Task Scenario(string name, string? skipReason, Func<string, Task<FaultOutcome>> run)
        {
            if (options.Only is { } only && only != name) return;
            if (skipReason is not null)
            {
                Console.WriteLine($"  {name,-22} skipped: {skipReason}");
                skipped++;
                return;
            }
            var dir = Directory.CreateDirectory(scratch.File(name)).FullName;
            var clock = Stopwatch.StartNew();
            FaultOutcome outcome;
            try
            {
                outcome = await run(dir);
            }
            catch (BenchmarkFailedException e)
            {
                outcome = new FaultOutcome(name, false, 0, 0, null, e.Message);
            }
            outcomes.Add(outcome);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name,-22} {(outcome.Survived ? "survived" : "FAILED  ")} lost {outcome.LostEvents}, duplicates {outcome.DuplicateCandidates}, " +
                $"error after {(outcome.SecondsToClearError is { } s ? $"{s:F1} s" : "-")} ({clock.Elapsed.TotalSeconds:F0} s): {outcome.Note}"));
        }

        await Scenario("disk-full", SmallDisk.SkipReason, dir => DiskFullAsync(dir, budget));
        await Scenario("read-only", SmallDisk.SkipReason, dir => ReadOnlyAsync(dir, budget));
        await Scenario("pg-unreachable", null, PgUnreachableAsync);
        await Scenario("pg-outage-10s", OwnPostgres.SkipReason, async dir =>
        {
            var (outcome, recovered) = await PgOutageWithinGraceAsync(dir, Math.Max(budget, 3000));
            pgRecovered = recovered;
            return outcome;
        });
        await Scenario("pg-outage-past-grace", OwnPostgres.SkipReason, dir => PgOutagePastGraceAsync(dir, Math.Max(budget, 3000)));
        await Scenario("damaged-event", null, dir => DamagedEventAsync(dir, budget));
        await Scenario("damaged-snapshot", null, dir => DamagedSnapshotAsync(dir, budget));
        await Scenario("export-onto-database", null, dir => ExportOntoDatabaseAsync(dir, budget));

        var survived = outcomes.Count(o => o.Survived);
        var json = new BenchJson()
            .Add("scenarios", outcomes.Count, 0)
            .Add("survived", survived, 0)
            .Add("skipped", skipped, 0)
            .Add("lostEvents", outcomes.Sum(o => o.LostEvents), 0)
            .Add("duplicateCandidates", outcomes.Sum(o => o.DuplicateCandidates), 0)
            .Add("maxSecondsToClearError", outcomes.Max(o => o.SecondsToClearError) ?? double.NaN, 2, "no scenario ended with an error")
            .Add("pgOutageSecondsRecovered", pgRecovered ?? double.NaN, 2, "the PostgreSQL outage scenario did not run or did not recover");
        Console.WriteLine(json);
        return survived == outcomes.Count ? 0 : 1;
    }

    private static string Write(string dir, string name, string text)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static async Task<FaultOutcome> DiskFullAsync(string dir, int budget)
    {
        using var disk = SmallDisk.Mount(megabytes: 2);
        var db = disk.File("full.db");
        var log = new FaultLog(dir, "full", ["--db", db]);
        var runLog = Path.Combine(dir, "run.log");
        using var run = await CliRun.RunAsync(dir, TimeSpan.FromMinutes(2), log.Run(budget, 1, "--config", Write(dir, "s.hocon", Synthetic), "--log-file", runLog));
        if (run.ExitCode != 3 || !run.LastError.Contains("is full", StringComparison.Ordinal))
            return new FaultOutcome("disk-full", false, 0, 0, null, "expected exit 3 naming the full disk: " + run);
        var onset = FirstLogTime(runLog, "to the log failed") ?? throw new BenchmarkFailedException("no failed write in " + runLog);

        var copy = Path.Combine(dir, "copy.db");
        using var backup = await CliRun.RunAsync(dir, TimeSpan.FromMinutes(1), "backup", "--db", db, "--out", copy);
        if (backup.ExitCode != 0) throw new BenchmarkFailedException("backup failed: " + backup);
        var resumed = new FaultLog(dir, "full", ["--db", copy]);
        var before = await resumed.ExportAsync();
        using var resume = await CliRun.RunAsync(dir, TimeSpan.FromMinutes(5), resumed.Resume());
        var (exact, lost, duplicates) = await resumed.CheckAsync(budget, before);
        return new FaultOutcome("disk-full", resume.ExitCode == 0 && exact, lost, duplicates, (run.ExitedAt - onset).TotalSeconds,
            $"exit 3 with {before.Count(r => r.Status == "evaluated")} evaluated; the backup on a larger disk resumed to {budget}");
    }

    private static async Task<FaultOutcome> ReadOnlyAsync(string dir, int budget)
    {
        using var disk = SmallDisk.Mount(megabytes: 64);
        var log = new FaultLog(dir, "ro", ["--db", disk.File("ro.db")]);
        string[] logFile = ["--log-file", Path.Combine(dir, "run.log")];
        using (var run = CliRun.Start(dir, log.Run(budget, 2, ["--config", Write(dir, "s.hocon", Synthetic), .. logFile])))
        {
            await log.WaitForEvaluatedAsync(run, budget / 5);
            run.Kill();
        }
        var before = await log.ExportAsync();
        disk.Remount(readOnly: true);
        using var refused = await CliRun.RunAsync(dir, TimeSpan.FromMinutes(1), log.Resume(logFile));
        var clear = refused.ExitCode == 3 && refused.LastError.Contains("writable", StringComparison.Ordinal);
        disk.Remount(readOnly: false);
        using var resume = await CliRun.RunAsync(dir, TimeSpan.FromMinutes(5), log.Resume(logFile));
        var (exact, lost, duplicates) = await log.CheckAsync(budget, before);
        return new FaultOutcome("read-only", clear && resume.ExitCode == 0 && exact, lost, duplicates, refused.Elapsed.TotalSeconds,
            clear ? "resume on the read-only mount: exit 3 naming it; writable again, resume completed" : "expected exit 3 naming the read-only folder: " + refused);
    }

    private static async Task<FaultOutcome> PgUnreachableAsync(string dir)
    {
        var port = OwnPostgres.FreePort();
        var config = Write(dir, "pg.hocon", PostgresConfig($"Host=127.0.0.1;Port={port};Database=x;Username=x", "5m"));
        using var run = await CliRun.RunAsync(dir, TimeSpan.FromMinutes(1), new FaultLog(dir, "pg", ["--config", config]).Run(100, 3));
        var lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var clear = run.ExitCode == 3 && lines.Length == 1 && lines[0].Contains($"127.0.0.1:{port}", StringComparison.Ordinal);
        return new FaultOutcome("pg-unreachable", clear, 0, 0, run.Elapsed.TotalSeconds,
            clear ? "exit 3, one line naming host and port" : "expected exit 3 in one line: " + run);
    }

    private static async Task<(FaultOutcome, double?)> PgOutageWithinGraceAsync(string dir, int budget)
    {
        using var server = OwnPostgres.Start();
        var log = new FaultLog(dir, "pg", ["--config", Write(dir, "pg.hocon", PostgresConfig(server.ConnectionString, "2m"))]);
        using var run = CliRun.Start(dir, log.Run(budget, 4, "--log-file", Path.Combine(dir, "run.log")));
        await log.WaitForEvaluatedAsync(run, budget / 5);
        var before = await log.ExportAsync();
        if (run.HasExited) throw new BenchmarkFailedException("the search ended before the outage began; raise --budget");
        server.StopServer();
        await Task.Delay(TimeSpan.FromSeconds(10));
        var survivedOutage = !run.HasExited;
        server.StartServer();
        var back = Stopwatch.StartNew();
        var atRestart = await log.EvaluatedAsync();
        double? recovered = null;
        while (recovered is null && back.Elapsed < TimeSpan.FromMinutes(2) && !run.HasExited)
        {
            if (await log.EvaluatedAsync() > atRestart) recovered = back.Elapsed.TotalSeconds;
            else await Task.Delay(200);
        }
        await run.WaitAsync(TimeSpan.FromMinutes(5));
        var (exact, lost, duplicates) = await log.CheckAsync(budget, before);
        var paused = run.Stderr.Contains("the search pauses", StringComparison.Ordinal) && run.Stderr.Contains("the search continues", StringComparison.Ordinal);
        var survived = survivedOutage && paused && run.ExitCode == 0 && exact;
        return (new FaultOutcome("pg-outage-10s", survived, lost, duplicates, null, survived
            ? $"paused, continued by itself {recovered:F1} s after the server was back, completed"
            : $"expected a pause, a continuation and exit 0 with exactly the budget (exact: {exact}): {run}"), recovered);
    }

    private static async Task<FaultOutcome> PgOutagePastGraceAsync(string dir, int budget)
    {
        using var server = OwnPostgres.Start();
        var grace = TimeSpan.FromSeconds(5);
        var log = new FaultLog(dir, "pg", ["--config", Write(dir, "pg.hocon", PostgresConfig(server.ConnectionString, "5s"))]);
        string[] logFile = ["--log-file", Path.Combine(dir, "run.log")];
        using var run = CliRun.Start(dir, log.Run(budget, 5, logFile));
        await log.WaitForEvaluatedAsync(run, budget / 5);
        var before = await log.ExportAsync();
        if (run.HasExited) throw new BenchmarkFailedException("the search ended before the outage began; raise --budget");
        var stoppedAt = DateTime.Now;
        server.StopServer();
        await run.WaitAsync(TimeSpan.FromMinutes(2));
        var clear = run.ExitCode == 3 && run.LastError.Contains($"127.0.0.1:{server.Port}", StringComparison.Ordinal);
        server.StartServer();
        using var resume = await CliRun.RunAsync(dir, TimeSpan.FromMinutes(5), log.Resume(logFile));
        var (exact, lost, duplicates) = await log.CheckAsync(budget, before);
        return new FaultOutcome("pg-outage-past-grace", clear && resume.ExitCode == 0 && exact, lost, duplicates,
            (run.ExitedAt - stoppedAt - grace).TotalSeconds, $"exit {run.ExitCode} after the 5 s grace; resume after the server was back completed");
    }

    private static async Task<FaultOutcome> DamagedEventAsync(string dir, int budget)
    {
        var db = Path.Combine(dir, "damaged.db");
        var log = new FaultLog(dir, "dmg", ["--db", db]);
        string[] logFile = ["--log-file", Path.Combine(dir, "run.log")];
        using (var run = CliRun.Start(dir, log.Run(budget, 6, ["--config", Write(dir, "s.hocon", Synthetic), .. logFile])))
        {
            await log.WaitForEvaluatedAsync(run, budget / 2);
            run.Kill();
        }
        var middle = FaultLog.Scalar(db, "SELECT MAX(sequence_number) FROM journal") / 2;
        FaultLog.Damage(db, "journal", "message", middle, "dmg");
        var hash = Hash(db);
        // export reads every event (status answers from the newest snapshot and may never reach the damaged one)
        using var status = await CliRun.RunAsync(dir, TimeSpan.FromMinutes(1), "export", "--db", db, "--search-id", "dmg", "--out", Path.Combine(dir, "dmg.csv"));
        var clear = status.ExitCode == 3 && status.LastError.Contains("repair", StringComparison.Ordinal);
        var repaired = new FaultLog(dir, "dmg", ["--db", Path.Combine(dir, "repaired.db")]);
        using var repair = await CliRun.RunAsync(dir, TimeSpan.FromMinutes(1), "repair", "--db", db, "--search-id", "dmg", "--out", repaired.Where[1]);
        if (repair.ExitCode != 0) throw new BenchmarkFailedException("repair failed: " + repair);
        var before = await repaired.ExportAsync();   // the readable prefix; what followed the damaged event is evaluated again
        using var resume = await CliRun.RunAsync(dir, TimeSpan.FromMinutes(5), repaired.Resume(logFile));
        var (exact, lost, duplicates) = await repaired.CheckAsync(budget, before);
        var unchanged = Hash(db) == hash;
        return new FaultOutcome("damaged-event", clear && unchanged && resume.ExitCode == 0 && exact, lost, duplicates, status.Elapsed.TotalSeconds,
            $"event {middle} damaged: export exit {status.ExitCode}{(clear ? " naming repair" : "")}; original {(unchanged ? "unchanged" : "CHANGED")}; " +
            $"the repaired copy resumed with exit {resume.ExitCode}, {(exact ? "exactly the budget" : "NOT exactly the budget")}" +
            (resume.ExitCode == 0 && exact ? "" : "\n" + resume));
    }

    private static async Task<FaultOutcome> DamagedSnapshotAsync(string dir, int budget)
    {
        var db = Path.Combine(dir, "snap.db");
        var log = new FaultLog(dir, "snap", ["--db", db]);
        string[] logFile = ["--log-file", Path.Combine(dir, "run.log")];
        var config = Write(dir, "s.hocon", Synthetic + "actornas.persistence.snapshot-every = 200\n");
        using (var run = CliRun.Start(dir, log.Run(budget, 7, ["--config", config, .. logFile])))
        {
            await log.WaitForEvaluatedAsync(run, budget / 2);
            run.Kill();
        }
        var before = await log.ExportAsync();
        var latest = FaultLog.Scalar(db + ".snapshots", "SELECT MAX(sequence_number) FROM snapshot");
        FaultLog.Damage(db + ".snapshots", "snapshot", "snapshot", latest, "snap");
        using var resume = await CliRun.RunAsync(dir, TimeSpan.FromMinutes(5), log.Resume(logFile));
        var (exact, lost, duplicates) = await log.CheckAsync(budget, before);
        return new FaultOutcome("damaged-snapshot", resume.ExitCode == 0 && exact, lost, duplicates, null,
            $"snapshot at event {latest} damaged: resume exit {resume.ExitCode}, recovered from the journal");
    }

    private static async Task<FaultOutcome> ExportOntoDatabaseAsync(string dir, int budget)
    {
        var db = Path.Combine(dir, "export.db");
        var log = new FaultLog(dir, "exp", ["--db", db]);
        using var run = await CliRun.RunAsync(dir, TimeSpan.FromMinutes(5), log.Run(budget, 8, "--config", Write(dir, "s.hocon", Synthetic)));
        if (run.ExitCode != 0) throw new BenchmarkFailedException("the search failed: " + run);
        var before = await log.ExportAsync();
        var hash = Hash(db);
        using var export = await CliRun.RunAsync(dir, TimeSpan.FromMinutes(1), "export", "--db", db, "--search-id", "exp", "--out", db);
        var unchanged = Hash(db) == hash;
        var (exact, lost, duplicates) = await log.CheckAsync(budget, before);
        return new FaultOutcome("export-onto-database", export.ExitCode == 2 && unchanged && exact, lost, duplicates, export.Elapsed.TotalSeconds,
            $"export --out onto the database: exit {export.ExitCode}, database {(unchanged ? "unchanged" : "CHANGED")}");
    }

    /// <summary>20 ms evaluations: the search must still be running when the server stops (status polls take seconds).</summary>
    private static string PostgresConfig(string connectionString, string grace) => $$"""
        actornas.persistence.provider = postgresql
        actornas.persistence.postgresql.connection-string = "{{connectionString}}"
        actornas.persistence.outage-grace = {{grace}}
        actornas.evaluator.synthetic { duration = lognormal, mean = 20ms, sigma = 0.5 }
        """;

    /// <summary>The time of the first line of an actornas.log that contains <paramref name="text"/> (NLog's longdate, local).</summary>
    private static DateTime? FirstLogTime(string logFile, string text)
    {
        foreach (var line in File.ReadLines(logFile))
            if (line.Contains(text, StringComparison.Ordinal) && line.Length >= 24 &&
                DateTime.TryParseExact(line[..24], "yyyy-MM-dd HH:mm:ss.ffff", CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var at))
                return at;
        return null;
    }

    private static string Hash(string file) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));
}
