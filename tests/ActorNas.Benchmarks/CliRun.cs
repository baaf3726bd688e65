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

    public static CliRun Start(string workDir, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = workDir, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
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
