using System.Diagnostics;
using ActorNas.Actors;
using ActorNas.Actors.Configuration;
using ActorNas.Actors.Query;
using ActorNas.Core.Events;
using ActorNas.Tests.Shared;
using Akka.Actor;
using Npgsql;

namespace ActorNas.Benchmarks;

/// <summary>
/// Real `actornas` processes of one cluster, a fresh PostgreSQL database for them, and their log read back. A process
/// that exits non-zero, unless the benchmark killed it on purpose, fails the benchmark (<see cref="ThrowIfAnyFailed"/>).
/// </summary>
internal sealed class ClusterNodes : IAsyncDisposable
{
    private readonly List<(string Name, Process Process)> _processes = [];
    private readonly HashSet<Process> _killed = [];
    private readonly string _server;
    private readonly string _database;

    public ScratchDirectory Dir { get; } = new();
    public string ConnectionString { get; }

    private ClusterNodes(string server, string database)
    {
        _server = server;
        _database = database;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;
    }

    public static async Task<ClusterNodes> CreateAsync(string server)
    {
        var database = "actornas_bench_" + Guid.NewGuid().ToString("N")[..10];
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", connection);
        await create.ExecuteNonQueryAsync();
        return new ClusterNodes(server, database);
    }

    public string Config(double meanMs, string extra = "")
    {
        var path = Dir.File("node.hocon");
        File.WriteAllText(path, FormattableString.Invariant($$"""
            actornas.persistence.provider = postgresql
            actornas.persistence.postgresql.connection-string = "{{ConnectionString}}"
            actornas.evaluator.name = synthetic
            actornas.evaluator.synthetic { duration = lognormal, mean = {{meanMs}}ms, sigma = 0.5 }
            actornas.evaluator.request-retry = 5s
            {{extra}}
            """));
        return path;
    }

    /// <summary>Starts `actornas args...`; its output goes to NAME.out beside the logs.</summary>
    public Process Start(string name, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(CliPath.Value);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.ArgumentList.Add("--log-file");
        info.ArgumentList.Add(Dir.File(name + ".log"));
        var process = Process.Start(info)!;
        var output = new StreamWriter(Dir.File(name + ".out")) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add((name, process));
        return process;
    }

    public string Output(string name) => File.Exists(Dir.File(name + ".out")) ? File.ReadAllText(Dir.File(name + ".out")) : "";

    /// <summary>The last lines a process printed, for an error message.</summary>
    public string Tail(string name, int lines = 30) => string.Join('\n', Output(name).Split('\n').TakeLast(lines));

    /// <summary>kill -9 on purpose: this process's exit is not a failure.</summary>
    public void KillHard(Process process)
    {
        _killed.Add(process);
        try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
    }

    /// <summary>Throws when a process that was not killed on purpose has exited with a non-zero code.</summary>
    public void ThrowIfAnyFailed()
    {
        foreach (var (name, process) in _processes)
            if (!_killed.Contains(process) && process.HasExited && process.ExitCode != 0)
                throw new BenchmarkFailedException($"`actornas` process {name} exited {process.ExitCode}; its last output:\n{Tail(name)}");
    }

    /// <summary>
    /// Waits for <paramref name="process"/> to exit 0, failing at once when any other process fails first, and after
    /// <paramref name="timeout"/>.
    /// </summary>
    public async Task WaitForExitAsync(string name, Process process, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!process.HasExited)
        {
            ThrowIfAnyFailed();
            if (DateTime.UtcNow > deadline)
                throw new BenchmarkFailedException($"{name} did not finish within {timeout.TotalMinutes:F1} min; its last output:\n{Tail(name)}");
            await Task.WhenAny(process.WaitForExitAsync(), Task.Delay(500));
        }
        await process.WaitForExitAsync();   // its output is flushed
        ThrowIfAnyFailed();
    }

    /// <summary>After a search completed: every process not killed on purpose exits, and exits 0.</summary>
    public async Task WaitForAllExitAsync(TimeSpan timeout)
    {
        foreach (var (name, process) in _processes.Where(p => !_killed.Contains(p.Process)))
            await WaitForExitAsync(name, process, timeout);
    }

    public Task<IReadOnlyList<ISearchEvent>> ReadLogAsync(string searchId) => LogReading.FromPostgresAsync(ConnectionString, searchId);

    public async Task<IReadOnlyList<ISearchEvent>> WaitForLogAsync(string searchId, Func<IReadOnlyList<ISearchEvent>, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            ThrowIfAnyFailed();
            var events = await ReadLogAsync(searchId);
            if (condition(events)) return events;
            if (DateTime.UtcNow > deadline)
                throw new BenchmarkFailedException($"the log of {searchId} did not get there in {timeout.TotalSeconds:F0} s ({events.Count} events)");
            await Task.Delay(500);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, p) in _processes)
        {
            if (!p.HasExited)
            {
                try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            }
            await p.WaitForExitAsync();
            p.Dispose();
        }
        Dir.Dispose();
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    public static readonly Lazy<string> CliPath = new(() =>
    {
        var dll = Path.Combine(RepositoryRoot.Path(), "src", "ActorNas.Cli", "bin", "Release", "net10.0", "actornas.dll");
        return File.Exists(dll) ? dll : throw new InvalidOperationException($"{dll} not found: build with -c Release first");
    });
}
