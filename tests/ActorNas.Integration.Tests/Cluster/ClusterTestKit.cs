using System.Globalization;
using ActorNas.Tests.Shared;
using ActorNas.Actors;
using ActorNas.Actors.Configuration;
using ActorNas.Actors.Query;
using ActorNas.Core.Events;
using Akka.Actor;
using Npgsql;

namespace ActorNas.Integration.Tests.Cluster;

/// <summary>
/// A fresh PostgreSQL database per test on the server of ACTORNAS_TEST_POSTGRES (.ci/run starts one), dropped at the
/// end, and what the cluster tests need around it: free ports, node configs, the log read back.
/// </summary>
internal sealed class ClusterTestKit : IAsyncDisposable
{
    public const string Variable = "ACTORNAS_TEST_POSTGRES";

    public static string? ServerConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } s ? s : null;

    public static string SkipReason => $"{Variable} is not set: no PostgreSQL server for the cluster tests (.ci/run starts one)";

    private readonly string _database;

    private ClusterTestKit(string database, string connectionString, TempDirectory dir)
    {
        _database = database;
        ConnectionString = connectionString;
        Dir = dir;
    }

    public string ConnectionString { get; }

    public TempDirectory Dir { get; }

    public static async Task<ClusterTestKit> CreateAsync()
    {
        var server = ServerConnectionString ?? throw new InvalidOperationException(SkipReason);
        var database = "actornas_cluster_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", connection);
            await create.ExecuteNonQueryAsync();
        }
        var builder = new NpgsqlConnectionStringBuilder(server) { Database = database };
        return new ClusterTestKit(database, builder.ConnectionString, new TempDirectory());
    }

    /// <summary>A TCP port nobody listens on right now.</summary>
    public static int FreePort() => OwnPostgres.FreePort();

    /// <summary>
    /// A --config file: the log in this test's database, a sleeping synthetic evaluator (chosen by the seed's
    /// --evaluator flag, which the workers receive with the recorded settings: a worker's own --config would override
    /// it), and <paramref name="extra"/>.
    /// `dotnet test` runs the test projects side by side on 2 cores: the failure detector tolerates 6 s without a
    /// heartbeat (cluster.conf: 3 s), so a starved process is not taken for a dead one.
    /// </summary>
    public string WriteConfig(string name, double meanMs, string extra = "") => Dir.Write(name, FormattableString.Invariant($$"""
        actornas.persistence.provider = postgresql
        actornas.persistence.postgresql.connection-string = "{{ConnectionString}}"
        actornas.evaluator.synthetic { duration = lognormal, mean = {{meanMs}}ms, sigma = 0.5 }
        actornas.evaluator.request-retry = 2s
        akka.cluster.failure-detector.acceptable-heartbeat-pause = 6s
        {{extra}}
        """));

    public string LogFile(string name) => Dir.File(name + ".log");

    /// <summary>The seed's population and sample flags (a spidernet search has its own and takes none).</summary>
    public IReadOnlyList<string> Shape { get; set; } = ["--population", "6", "--sample", "3"];

    /// <summary>
    /// A seed and two single-slot worker processes (the configuration must hold them back until both have joined), run
    /// until the seed exits: each must exit 0, and the search must have completed exactly once at its budget.
    /// Returns the log and the two workers' ports (their node names are 127.0.0.1:PORT).
    /// </summary>
    public async Task<(IReadOnlyList<ISearchEvent> Events, int Worker1Port, int Worker2Port)> RunSeedAndTwoWorkersAsync(
        ITestOutputHelper output, string searchId, string config, int budget, int randomSeed, params string[] searchFlags)
    {
        int seedPort = FreePort(), w1 = FreePort(), w2 = FreePort();
        string[] seedArgs =
        [
            "seed", "--search-id", searchId, .. searchFlags, "--budget", budget.ToString(CultureInfo.InvariantCulture),
            .. Shape, "--seed", randomSeed.ToString(CultureInfo.InvariantCulture), "--config", config,
            "--port", seedPort.ToString(CultureInfo.InvariantCulture), "--log-file", LogFile("seed"), "--json",
        ];
        string[] Worker(int port, string log) =>
        [
            "worker", "--join", $"127.0.0.1:{seedPort}", "--port", port.ToString(CultureInfo.InvariantCulture), "--slots", "1",
            "--config", config, "--log-file", LogFile(log),
        ];

        using var seed = ActorNasProcess.Start(Dir.Path, seedArgs);
        using var worker1 = ActorNasProcess.Start(Dir.Path, Worker(w1, "w1"));
        using var worker2 = ActorNasProcess.Start(Dir.Path, Worker(w2, "w2"));
        var seedResult = await seed.ResultAsync(TimeSpan.FromSeconds(240));
        var r1 = await worker1.ResultAsync(TimeSpan.FromSeconds(60));
        var r2 = await worker2.ResultAsync(TimeSpan.FromSeconds(60));
        output.WriteLine(seedResult.ToString());
        Assert.True(seedResult.ExitCode == 0, seedResult.ToString());
        Assert.True(r1.ExitCode == 0 && r2.ExitCode == 0, $"{r1}\n{r2}");

        var events = await ReadLogAsync(searchId);
        LogChecks.CompletedExactlyOnce(events, budget);
        return (events, w1, w2);
    }

    /// <summary>Every event of a search, read from PostgreSQL through the same read journal the commands use.</summary>
    public Task<IReadOnlyList<ISearchEvent>> ReadLogAsync(string searchId) => LogReading.FromPostgresAsync(ConnectionString, searchId);

    /// <summary>Polls the log until <paramref name="condition"/> holds; fails the test after <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<ISearchEvent>> WaitForLogAsync(string searchId, Func<IReadOnlyList<ISearchEvent>, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var events = await ReadLogAsync(searchId);
            if (condition(events)) return events;
            Assert.True(DateTime.UtcNow < deadline, $"{what}: not seen in the log within {timeout.TotalSeconds:F0} s ({events.Count} events)");
            await Task.Delay(300);
        }
    }

    /// <summary>Polls a node's log file until it contains <paramref name="text"/>; fails the test after <paramref name="timeout"/>.</summary>
    public async Task WaitForNodeLogAsync(string node, string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var file = LogFile(node);
        while (true)
        {
            var content = File.Exists(file) ? await ReadSharedAsync(file) : "";
            if (content.Contains(text, StringComparison.Ordinal)) return;
            Assert.True(DateTime.UtcNow < deadline, $"{node}: \"{text}\" not in its log within {timeout.TotalSeconds:F0} s:\n{content}");
            await Task.Delay(300);
        }
    }

    // the node still writes to its log: open it without asking for exclusive access
    private static async Task<string> ReadSharedAsync(string file)
    {
        await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    public async ValueTask DisposeAsync()
    {
        // ACTORNAS_IT_KEEP=1 keeps the nodes' logs of a failed run for a look
        if (Environment.GetEnvironmentVariable("ACTORNAS_IT_KEEP") != "1") Dir.Dispose();
        try
        {
            await using var connection = new NpgsqlConnection(ServerConnectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException)
        {
            // the server went away; its data directory is thrown away with it
        }
    }
}

/// <summary>What must hold for every finished cluster search: exactly the budget evaluated, each candidate once.</summary>
internal static class LogChecks
{
    public static void CompletedExactlyOnce(IReadOnlyList<ISearchEvent> events, int budget)
    {
        var evaluated = events.OfType<CandidateEvaluated>().ToList();
        Assert.Equal(budget, evaluated.Count);
        var twice = evaluated.GroupBy(e => e.Id).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(twice.Count == 0, "evaluated twice: " + string.Join(", ", twice));
        var completed = Assert.Single(events.OfType<SearchCompleted>());
        Assert.Equal("budget", completed.Reason);
        var proposed = events.OfType<CandidateProposed>().Select(p => p.Id).ToHashSet();
        Assert.Equal(proposed.Count, events.OfType<CandidateProposed>().Count());
        // nothing lost: every proposal ended evaluated (no failures are configured)
        Assert.Equal(proposed.Order(), evaluated.Select(e => e.Id).Order());
    }
}
