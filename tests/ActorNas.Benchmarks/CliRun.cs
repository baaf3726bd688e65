using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ActorNas.Benchmarks;

/// <summary>One `actornas` process started by a benchmark: its exit code, output and wall time.</summary>
internal sealed class CliRun : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private CliRun(Process process) => _process = process;

    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public TimeSpan Elapsed => _clock.Elapsed;
    public int ExitCode => _process.ExitCode;

    /// <summary>When the benchmark saw the process end (local time, as the log file writes it).</summary>
    public DateTime ExitedAt { get; private set; }

    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }
    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    public static CliRun Start(string workDir, params string[] args) => Start(workDir, cpuFile: null, args);

    /// <param name="cpuFile">When given, the process runs under bash, whose `times` writes the CPU time it used (user and
    /// system, second line) to this file when it ends: see <see cref="CpuSecondsOf"/>.</param>
    public static CliRun Start(string workDir, string? cpuFile, params string[] args)
    {
        var info = new ProcessStartInfo(cpuFile is null ? "dotnet" : "bash") { WorkingDirectory = workDir, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (cpuFile is not null)
            foreach (var a in new[] { "-c", "\"$@\"; code=$?; times > \"$ACTORNAS_BENCH_CPU\"; exit $code", "bash", "dotnet" }) info.ArgumentList.Add(a);
        if (cpuFile is not null) info.Environment["ACTORNAS_BENCH_CPU"] = cpuFile;
        info.ArgumentList.Add(ClusterNodes.CliPath.Value);
        foreach (var a in args) info.ArgumentList.Add(a);
        var run = new CliRun(Process.Start(info) ?? throw new BenchmarkFailedException("could not start actornas"));
        run._process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (run._stdout) run._stdout.AppendLine(e.Data); };
        run._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (run._stderr) run._stderr.AppendLine(e.Data); };
        run._process.BeginOutputReadLine();
        run._process.BeginErrorReadLine();
        return run;
    }

    /// <summary>Runs to the end; a process still running after <paramref name="timeout"/> is killed and fails the benchmark.</summary>
    public static async Task<CliRun> RunAsync(string workDir, TimeSpan timeout, params string[] args)
    {
        var run = Start(workDir, args);
        await run.WaitAsync(timeout);
        return run;
    }

    public async Task WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            _process.WaitForExit();
            _clock.Stop();
            ExitedAt = DateTime.Now;
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new BenchmarkFailedException($"actornas did not finish within {timeout.TotalSeconds:F0} s; stderr:\n{Stderr}");
        }
    }

    /// <summary>User plus system CPU seconds from the file a process started with a cpu file wrote ("0m1.250s 0m0.310s").</summary>
    public static double CpuSecondsOf(string cpuFile)
    {
        var children = File.ReadAllLines(cpuFile).Where(l => l.Length > 0).ToArray() is { Length: 2 } lines
            ? lines[1] : throw new BenchmarkFailedException($"{cpuFile} does not hold bash's two `times` lines");
        return children.Split(' ', StringSplitOptions.RemoveEmptyEntries).Sum(part =>
        {
            var m = part.IndexOf('m', StringComparison.Ordinal);
            return double.Parse(part[..m], CultureInfo.InvariantCulture) * 60 + double.Parse(part[(m + 1)..^1], CultureInfo.InvariantCulture);
        });
    }

    /// <summary>kill -9.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // exited just before
        }
    }

    /// <summary>Resident memory of the process in MB (VmRSS of /proc).</summary>
    public double ResidentMb()
    {
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
        return double.NaN;
    }

    /// <summary>The last "error:" line on stderr, or "".</summary>
    public string LastError => Stderr.Split('\n').LastOrDefault(l => l.StartsWith("error: ", StringComparison.Ordinal))?.TrimEnd() ?? "";

    /// <summary>A number of the JSON summary a command printed last (--json), or null.</summary>
    public long? SummaryNumber(string name)
    {
        var last = Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => l.StartsWith('{'));
        if (last is null) return null;
        using var json = JsonDocument.Parse(last);
        return json.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : null;
    }

    public override string ToString() => $"exit {(_process.HasExited ? _process.ExitCode : -1)} after {Elapsed.TotalSeconds:F1} s\nstdout:\n{Stdout}\nstderr:\n{Stderr}";

    public void Dispose()
    {
        if (!_process.HasExited) Kill();
        _process.Dispose();
    }
}
