using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ActorNas.Tests.Shared;

namespace ActorNas.Integration.Tests;

/// <summary>
/// One real `actornas` process (started as `dotnet actornas.dll ...`) with its stdout and stderr collected.
/// Disposing kills it if it still runs, so a failing test never leaves a search running behind.
/// </summary>
internal sealed class ActorNasProcess : IDisposable
{
    /// <summary>The exit code .NET reports for a process ended by SIGKILL (128 + 9).</summary>
    public const int KilledExitCode = 137;

    private static readonly Lazy<string> Cli = new(LocateCli);

    private readonly Process _process;
    private readonly Task<string> _stdout;
    private readonly Task<string> _stderr;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private ActorNasProcess(Process process, string commandLine)
    {
        _process = process;
        CommandLine = commandLine;
        _stdout = process.StandardOutput.ReadToEndAsync();
        _stderr = process.StandardError.ReadToEndAsync();
    }

    /// <summary>Full path of actornas.dll: the build configuration of this test assembly first, then any other.</summary>
    public static string CliPath => Cli.Value;

    public string CommandLine { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts `actornas args...` in <paramref name="workDir"/>.</summary>
    public static ActorNasProcess Start(string workDir, params string[] args) => Start(workDir, new Dictionary<string, string>(), args);

    /// <summary>Starts `actornas args...` in <paramref name="workDir"/> with <paramref name="environment"/> added to its environment.</summary>
    public static ActorNasProcess Start(string workDir, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(CliPath);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in environment) info.Environment[name] = value;
        var commandLine = "actornas " + string.Join(' ', args.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"\"{a}\"" : a));
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + commandLine);
        return new ActorNasProcess(process, commandLine);
    }

    /// <summary>Runs `actornas args...` to its end; fails the test if it takes longer than <paramref name="timeout"/>.</summary>
    public static async Task<CliResult> RunAsync(string workDir, TimeSpan timeout, params string[] args)
    {
        using var process = Start(workDir, args);
        return await process.ResultAsync(timeout);
    }

    /// <summary>Runs with a default timeout generous enough for two busy cores.</summary>
    public static Task<CliResult> RunAsync(string workDir, params string[] args) => RunAsync(workDir, TimeSpan.FromSeconds(90), args);

    /// <summary>True when the process ended within the timeout.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return _process.HasExited;
        }
    }

    /// <summary>kill -9: Process.Kill sends SIGKILL on Linux; no shutdown hook, no flush, nothing runs in the process.</summary>
    public void KillHard()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // it exited on its own just before
        }
    }

    /// <summary>Waits for the end and returns exit code and output; kills and throws if it runs past the timeout.</summary>
    public async Task<CliResult> ResultAsync(TimeSpan timeout)
    {
        if (!await WaitForExitAsync(timeout))
        {
            KillHard();
            await WaitForExitAsync(TimeSpan.FromSeconds(10));
            var partial = await OutputAsync();
            throw new TimeoutException($"`{CommandLine}` did not finish within {timeout.TotalSeconds:F0} s\n" +
                $"stdout:\n{partial.Stdout}\nstderr:\n{partial.Stderr}");
        }
        _process.WaitForExit(); // lets the redirected streams reach their end
        var (stdout, stderr) = await OutputAsync();
        return new CliResult(CommandLine, _process.ExitCode, stdout, stderr, _clock.Elapsed);
    }

    private async Task<(string Stdout, string Stderr)> OutputAsync()
    {
        var both = Task.WhenAll(_stdout, _stderr);
        if (await Task.WhenAny(both, Task.Delay(TimeSpan.FromSeconds(10))) != both) return ("(output not closed)", "(output not closed)");
        return (await _stdout, await _stderr);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            KillHard();
            _process.WaitForExit(10_000);
        }
        _process.Dispose();
    }

    private static string DotnetHost()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
    }

    private static string LocateCli()
    {
        var baseDir = AppContext.BaseDirectory;
        var root = new DirectoryInfo(RepositoryRoot.Path());

        var sep = Path.DirectorySeparatorChar;
        var own = baseDir.Contains($"{sep}Release{sep}", StringComparison.Ordinal) ? "Release" : "Debug";
        var other = own == "Release" ? "Debug" : "Release";
        foreach (var configuration in new[] { own, other })
        {
            var dll = Path.Combine(root.FullName, "src", "ActorNas.Cli", "bin", configuration, "net10.0", "actornas.dll");
            if (File.Exists(dll)) return dll;
        }
        throw new InvalidOperationException($"actornas.dll not found under {Path.Combine(root.FullName, "src", "ActorNas.Cli", "bin")}; build the solution first");
    }
}

/// <summary>What one finished `actornas` process left behind.</summary>
internal sealed record CliResult(string CommandLine, int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
{
    public IReadOnlyList<string> StdoutLines => Lines(Stdout);

    public IReadOnlyList<string> StderrLines => Lines(Stderr);

    /// <summary>The --json object: the last non-empty stdout line.</summary>
    public SearchSummary Summary()
    {
        var last = StdoutLines.LastOrDefault() ?? throw new InvalidOperationException($"no stdout from `{CommandLine}`\n{this}");
        return SearchSummary.Parse(last);
    }

    public override string ToString() =>
        $"`{CommandLine}` exited {ExitCode} after {Elapsed.TotalSeconds:F1} s\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";

    private static string[] Lines(string text) =>
        text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToArray();
}

/// <summary>The --json summary printed by run, resume and status.</summary>
internal sealed record SearchSummary(
    string SearchId,
    int Evaluated,
    int Failed,
    int Budget,
    BestCandidate? Best,
    double ElapsedSeconds,
    bool Completed,
    string? CompletionReason,
    int Running,
    int Queued,
    bool Paused = false)
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true };

    public string Json { get; init; } = "";

    public static SearchSummary Parse(string json) =>
        (JsonSerializer.Deserialize<SearchSummary>(json, Options) ?? throw new FormatException("null JSON: " + json)) with { Json = json };

    public static IReadOnlyList<SearchSummary> ParseList(string json) =>
        JsonSerializer.Deserialize<List<SearchSummary>>(json, Options) ?? throw new FormatException("null JSON: " + json);
}

internal sealed record BestCandidate(long Id, string Genotype, double Objective);
