using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ActorNas.Tests.Shared;

namespace ActorNas.Integration.Tests.Faults;

/// <summary>
/// Faults of the log met by real processes: a disk that fills up, a file system that is read-only, a PostgreSQL
/// server that is not there, that goes away for a while, or for too long. Each ends in exit 3 with one message that
/// says what and where, or heals by itself; either way nothing recorded is lost and a resume ends with exactly the
/// budget, no candidate twice.
/// </summary>
public sealed partial class LogFaultCliTests(ITestOutputHelper output)
{
    private const string Id = "faulty";

    [SkippableFact]
    public async Task A_full_disk_stops_the_search_with_exit_3_and_its_copy_on_a_larger_disk_resumes_exactly()
    {
        Skip.If(SmallDisk.SkipReason is not null, SmallDisk.SkipReason);
        const int budget = 3000;
        using var dir = new TempDirectory();
        using var disk = SmallDisk.Mount(megabytes: 2);
        var db = disk.File("full.db");
        var config = dir.Write("synthetic.hocon", Cli.SyntheticConfig(meanMs: 2));

        var run = await ActorNasProcess.RunAsync(dir.Path, TimeSpan.FromSeconds(60),
            Cli.RunArgs(db, Id, budget, seed: 5, "--workers", "4", "--config", config, "--log-file", dir.File("run.log"), "--json"));
        output.WriteLine(run.ToString());
        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(30), $"exit 3 came after {run.Elapsed.TotalSeconds:F1} s");
        var message = LastError(run);
        Assert.Contains($"the disk holding {db} is full", message, StringComparison.Ordinal);
        Assert.Contains($"actornas resume --db {db} --search-id {Id}", message, StringComparison.Ordinal);
        Assert.Contains("actornas backup", message, StringComparison.Ordinal);
        var (lastCandidate, evaluated) = Recorded(message);
        Assert.InRange(evaluated, 1, budget - 1);

        // the fix the message names: copy the log to a larger disk, resume the copy
        var copy = dir.File("copy.db");
        var backup = await ActorNasProcess.RunAsync(dir.Path, "backup", "--db", db, "--out", copy);
        Assert.True(backup.ExitCode == 0, backup.ToString());
        var before = await ExportCsv.ExportAsync(dir, copy, Id);
        Assert.Equal(evaluated, before.Count(r => r.IsEvaluated));
        Assert.True(before.Max(r => r.JobId) <= lastCandidate, $"the copy holds candidates after {lastCandidate}");

        var resume = await ActorNasProcess.RunAsync(dir.Path, TimeSpan.FromSeconds(120), "resume", "--db", copy, "--search-id", Id, "--json");
        Assert.True(resume.ExitCode == 0, resume.ToString());
        await AssertExactlyTheBudget(dir, ["--db", copy], budget, before);
    }

    [SkippableFact]
    public async Task A_read_only_file_system_stops_resume_with_exit_3_naming_it_and_the_search_resumes_once_writable()
    {
        Skip.If(SmallDisk.SkipReason is not null, SmallDisk.SkipReason);
        const int budget = 4000;
        using var dir = new TempDirectory();
        using var disk = SmallDisk.Mount(megabytes: 64);
        var db = disk.File("ro.db");
        var config = dir.Write("synthetic.hocon", Cli.SyntheticConfig(meanMs: 10));
        string[] logFile = ["--log-file", dir.File("run.log")];

        using (var run = ActorNasProcess.Start(dir.Path, Cli.RunArgs(db, Id, budget, seed: 6, ["--workers", "4", "--config", config, .. logFile])))
        {
            await Cli.WaitForEvaluatedAsync(dir, db, Id, 300, run, TimeSpan.FromSeconds(60));
            run.KillHard();
            await run.ResultAsync(TimeSpan.FromSeconds(30));
        }
        var before = await ExportCsv.ExportAsync(dir, db, Id);

        disk.Remount(readOnly: true);
        var refused = await ActorNasProcess.RunAsync(dir.Path, TimeSpan.FromSeconds(60), ["resume", "--db", db, "--search-id", Id, "--json", .. logFile]);
        output.WriteLine(refused.ToString());
        Assert.True(refused.ExitCode == 3, refused.ToString());
        Assert.True(refused.Elapsed < TimeSpan.FromSeconds(30), $"exit 3 came after {refused.Elapsed.TotalSeconds:F1} s");
        var message = LastError(refused);
        Assert.Contains(db, message, StringComparison.Ordinal);
        Assert.Contains("read-only", message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("writable", message, StringComparison.Ordinal);

        disk.Remount(readOnly: false);
        var resume = await ActorNasProcess.RunAsync(dir.Path, TimeSpan.FromSeconds(120), ["resume", "--db", db, "--search-id", Id, "--json", .. logFile]);
        Assert.True(resume.ExitCode == 0, resume.ToString());
        await AssertExactlyTheBudget(dir, ["--db", db], budget, before);
    }

    [SkippableFact]
    public async Task PostgreSQL_unreachable_at_start_is_exit_3_in_one_line_naming_host_and_port()
    {
        using var dir = new TempDirectory();
        var port = Cluster.ClusterTestKit.FreePort();
        var config = dir.Write("pg.hocon", PostgresConfig($"Host=127.0.0.1;Port={port};Database=actornas;Username=actornas", "5m"));
        var run = await ActorNasProcess.RunAsync(dir.Path, TimeSpan.FromSeconds(60),
            "run", "--evaluator", "synthetic", "--budget", "100", "--config", config, "--search-id", Id, "--log-file", dir.File("run.log"));
        output.WriteLine(run.ToString());
        Assert.Equal(3, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.Contains($"127.0.0.1:{port}", line, StringComparison.Ordinal);
        Assert.Contains("refused", line, StringComparison.OrdinalIgnoreCase);
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(15), $"took {run.Elapsed.TotalSeconds:F1} s");
    }

    [SkippableFact]
    public async Task A_PostgreSQL_outage_within_the_grace_pauses_the_search_and_it_completes_by_itself()
    {
        Skip.If(OwnPostgres.SkipReason is not null, OwnPostgres.SkipReason);
        const int budget = 3000;
        using var server = OwnPostgres.Start();
        using var dir = new TempDirectory();
        var config = dir.Write("pg.hocon", PostgresConfig(server.ConnectionString, "2m"));
        string[] where = ["--config", config];

        using var run = ActorNasProcess.Start(dir.Path, ["run", "--evaluator", "synthetic", "--budget", $"{budget}", "--seed", "7",
            "--workers", "4", "--search-id", Id, "--log-file", dir.File("run.log"), "--json", .. where]);
        await WaitForEvaluated(dir, where, 300, run);
        var before = await Export(dir, where);
        Assert.False(run.HasExited, "the search ended before the outage began");

        var outage = Stopwatch.StartNew();
        server.StopServer();
        await Task.Delay(TimeSpan.FromSeconds(10));
        Assert.False(run.HasExited, "the search ended during the outage\n" + (run.HasExited ? await run.ResultAsync(TimeSpan.FromSeconds(5)) : null));
        server.StartServer();
        output.WriteLine($"the server was down for {outage.Elapsed.TotalSeconds:F1} s");

        var result = await run.ResultAsync(TimeSpan.FromSeconds(180));
        output.WriteLine(result.ToString());
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("the search pauses and retries", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("the search continues", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(budget, result.Summary().Evaluated);
        await AssertExactlyTheBudget(dir, where, budget, before);
    }

    [SkippableFact]
    public async Task A_PostgreSQL_outage_past_the_grace_is_exit_3_and_a_resume_after_it_completes_exactly()
    {
        Skip.If(OwnPostgres.SkipReason is not null, OwnPostgres.SkipReason);
        const int budget = 3000;
        using var server = OwnPostgres.Start();
        using var dir = new TempDirectory();
        var config = dir.Write("pg.hocon", PostgresConfig(server.ConnectionString, "5s"));
        string[] where = ["--config", config];
        string[] logFile = ["--log-file", dir.File("run.log")];

        using var run = ActorNasProcess.Start(dir.Path, ["run", "--evaluator", "synthetic", "--budget", $"{budget}", "--seed", "8",
            "--workers", "4", "--search-id", Id, "--json", .. where, .. logFile]);
        await WaitForEvaluated(dir, where, 300, run);
        var before = await Export(dir, where);
        Assert.False(run.HasExited, "the search ended before the outage began");

        var outage = Stopwatch.StartNew();
        server.StopServer();
        var stopped = await run.ResultAsync(TimeSpan.FromSeconds(60));
        output.WriteLine($"exit {stopped.ExitCode} {outage.Elapsed.TotalSeconds:F1} s into the outage\n{stopped}");
        Assert.True(stopped.ExitCode == 3, stopped.ToString());
        Assert.InRange(outage.Elapsed, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(40));
        var message = LastError(stopped);
        Assert.Contains($"127.0.0.1:{server.Port}", message, StringComparison.Ordinal);
        Assert.Contains($"actornas resume --config {config} --search-id {Id}", message, StringComparison.Ordinal);
        Assert.InRange(Recorded(message).Evaluated, before.Count(r => r.IsEvaluated), budget - 1);

        server.StartServer();
        var resume = await ActorNasProcess.RunAsync(dir.Path, TimeSpan.FromSeconds(180), ["resume", "--search-id", Id, "--json", .. where, .. logFile]);
        Assert.True(resume.ExitCode == 0, resume.ToString());
        await AssertExactlyTheBudget(dir, where, budget, before);
    }

    /// <summary>20 ms evaluations: the search must still be running when the server stops (status polls take seconds).</summary>
    private static string PostgresConfig(string connectionString, string grace) => $$"""
        actornas.persistence.provider = postgresql
        actornas.persistence.postgresql.connection-string = "{{connectionString}}"
        actornas.persistence.outage-grace = {{grace}}
        {{Cli.SyntheticConfig(meanMs: 20)}}
        """;

    /// <summary>The finished search holds exactly its budget, every candidate once and evaluated (or cancelled: still
    /// queued at a slot's lookahead when the budget was reached), and every result recorded before the fault unchanged. (Ids may skip one: a mutant's id is reserved when its mutation is asked
    /// for, and a log cut between two proposals can hold only the later one.)</summary>
    private static async Task AssertExactlyTheBudget(TempDirectory dir, string[] where, int budget, IReadOnlyList<ExportRow> before)
    {
        var status = await ActorNasProcess.RunAsync(dir.Path, ["status", "--search-id", Id, "--json", .. where]);
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.True(status.Summary().Completed, status.ToString());
        Assert.Equal(budget, status.Summary().Evaluated);

        var rows = await Export(dir, where);
        Assert.Equal(budget, rows.Count(r => r.IsEvaluated));
        Assert.Equal(rows.Count, rows.Select(r => r.JobId).Distinct().Count());
        Assert.All(rows, r => Assert.Contains(r.Status, new[] { "evaluated", "cancelled" }));
        var now = rows.ToDictionary(r => r.JobId);
        Assert.All(before.Where(r => r.IsEvaluated), r => Assert.Equal(r.ObjectiveText, now[r.JobId].ObjectiveText));
    }

    private static async Task<IReadOnlyList<ExportRow>> Export(TempDirectory dir, string[] where)
    {
        var file = dir.File($"export-{Guid.NewGuid():N}.csv");
        var result = await ActorNasProcess.RunAsync(dir.Path, ["export", "--search-id", Id, "--format", "csv", "--out", file, .. where]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return ExportCsv.Read(file);
    }

    private static async Task WaitForEvaluated(TempDirectory dir, string[] where, int count, ActorNasProcess run)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            if (run.HasExited) Assert.Fail("the search ended early\n" + await run.ResultAsync(TimeSpan.FromSeconds(10)));
            var status = await ActorNasProcess.RunAsync(dir.Path, ["status", "--search-id", Id, "--json", .. where]);
            if (status.ExitCode == 0 && status.Summary().Evaluated >= count) return;
            Assert.True(DateTime.UtcNow < deadline, $"fewer than {count} evaluated after 90 s\n{status}");
            await Task.Delay(250);
        }
    }

    /// <summary>The message of the command's last "error:" line on stderr.</summary>
    private static string LastError(CliResult result) =>
        result.StderrLines.LastOrDefault(l => l.StartsWith("error: ", StringComparison.Ordinal)) ?? throw new Xunit.Sdk.XunitException("no error line\n" + result);

    /// <summary>"nothing after candidate N was recorded (the log holds E evaluations)" read back from a message.</summary>
    private static (long LastCandidate, int Evaluated) Recorded(string message)
    {
        var m = RecordedPattern().Match(message);
        Assert.True(m.Success, "the message does not say what the log holds: " + message);
        return (long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"nothing after candidate (\d+) was recorded \(the log holds (\d+) evaluations\)")]
    private static partial Regex RecordedPattern();
}
