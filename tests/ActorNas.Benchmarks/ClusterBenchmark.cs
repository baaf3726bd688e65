using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ActorNas.Core.Events;

namespace ActorNas.Benchmarks;

/// <summary>
/// The cluster as users run it: `actornas seed` and `actornas worker` processes on 127.0.0.1, the log in PostgreSQL,
/// synthetic evaluations that sleep (so the CPU is not what limits throughput). Every number is read from the log.
/// </summary>
internal static class ClusterBenchmark
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        var server = Environment.GetEnvironmentVariable("ACTORNAS_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(server))
        {
            Console.Error.WriteLine("error: the cluster benchmark needs PostgreSQL: set ACTORNAS_TEST_POSTGRES to an Npgsql connection string " +
                                    "of a server where it may create databases (e.g. Host=127.0.0.1;Port=5432;Database=postgres;Username=postgres)");
            return 2;
        }
        var quick = options.Quick;
        Console.WriteLine($"cluster: {Environment.ProcessorCount} cores, PostgreSQL log, synthetic evaluations sleeping a log-normal time (sigma 0.5)");

        var slots = quick ? 8 : 32;
        var one = await ThroughputAsync(server, processes: 1, slots, budget: quick ? 300 : 2000);
        var three = await ThroughputAsync(server, processes: 3, slots, budget: quick ? 900 : 6000);
        var speedup = three / one;
        Console.WriteLine($"throughput: 1 process x {slots} slots {one:F1} evaluations/s, 3 processes {three:F1}/s: speedup {speedup:F2} x (ideal 3)");

        var reissue = await ReissueAsync(server);
        Console.WriteLine($"kill -9 of a worker -> its candidates re-issued after {reissue:F1} s");
        var handover = await HandoverAsync(server);
        Console.WriteLine($"kill -9 of the singleton's node -> Population recovered on another node after {handover:F1} s");

        var big = await UtilizationAsync(server, totalSlots: quick ? 300 : 2000, budget: options.Budget ?? (quick ? 3000 : 40000));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{big.Slots} slots over 3 processes, 1 s log-normal tasks: utilisation {big.Utilization:P2} over {big.Window:F1} s, " +
            $"{big.Rate:F0} evaluations/s (ideal {big.Slots / 1.0:F0}), gap between a result and the next start: median {big.GapMedianMs:F0} ms, " +
            $"p99 {big.GapP99Ms:F0} ms; {big.Evaluated} evaluated in {big.Total:F1} s"));

        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["speedup3v1"] = Math.Round(speedup, 3),
            ["reissueSeconds"] = Math.Round(reissue, 2),
            ["handoverSeconds"] = Math.Round(handover, 2),
            ["utilization2000"] = Math.Round(big.Utilization, 4),
            ["throughput1"] = Math.Round(one, 1),
            ["throughput3"] = Math.Round(three, 1),
            ["slots"] = big.Slots,
            ["evaluationsPerSecond"] = Math.Round(big.Rate, 1),
            ["gapMedianMs"] = Math.Round(big.GapMedianMs, 1),
            ["gapP99Ms"] = Math.Round(big.GapP99Ms, 1),
            ["quick"] = quick,
        }));
        return 0;
    }

    private static string[] Seed(ClusterNodes nodes, string id, int budget, string config, int port, params string[] more) =>
    [
        "seed", "--search-id", id, "--budget", Invariant(budget), "--population", "100", "--sample", "25", "--config", config,
        "--port", Invariant(port), .. more,
    ];

    private static string[] Worker(int seedPort, int slots, string config) =>
        ["worker", "--join", $"127.0.0.1:{seedPort}", "--port", "0", "--slots", Invariant(slots), "--config", config];

    private static string Invariant(int i) => i.ToString(CultureInfo.InvariantCulture);

    /// <summary>Evaluations per second while every slot is in the search (joining and the budget's tail excluded).</summary>
    private static async Task<double> ThroughputAsync(string server, int processes, int slots, int budget)
    {
        await using var nodes = await ClusterNodes.CreateAsync(server);
        var config = nodes.Config(meanMs: 250);
        var port = FreePort();
        var seed = nodes.Start("seed", Seed(nodes, "throughput", budget, config, port));
        for (var i = 0; i < processes; i++) nodes.Start($"worker{i}", Worker(port, slots, config));
        await WaitAsync(seed, TimeSpan.FromMinutes(5), nodes, "seed");
        var use = Measure((await nodes.ReadLogAsync("throughput")).OfType<CandidateEvaluated>().ToList(), 0);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {processes} x {slots} slots: {use.Rate:F1} evaluations/s over {use.Window:F1} s, utilisation {use.Utilization:P1}, gap median {use.GapMedianMs:F0} ms"));
        return use.Rate;
    }

    /// <summary>Seconds from kill -9 of a worker to the first release of a candidate it held.</summary>
    private static async Task<double> ReissueAsync(string server)
    {
        await using var nodes = await ClusterNodes.CreateAsync(server);
        var config = nodes.Config(meanMs: 250);
        var port = FreePort();
        nodes.Start("seed", Seed(nodes, "reissue", 1_000_000, config, port));
        var victimPort = FreePort();
        var victim = nodes.Start("victim", ["worker", "--join", $"127.0.0.1:{port}", "--port", Invariant(victimPort), "--slots", "16", "--config", config]);
        nodes.Start("survivor", Worker(port, 16, config));
        var victimNode = $"127.0.0.1:{victimPort}";
        await nodes.WaitForLogAsync("reissue", e => e.OfType<CandidateEvaluated>().Count(v => v.Node == victimNode) >= 200, TimeSpan.FromMinutes(2));
        var killedAt = DateTimeOffset.UtcNow;
        ClusterNodes.KillHard(victim);
        var events = await nodes.WaitForLogAsync("reissue", e => Released(e, victimNode).Any(), TimeSpan.FromMinutes(2));
        return (Released(events, victimNode).Min(r => r.At) - killedAt).TotalSeconds;
    }

    private static IEnumerable<CandidateReleased> Released(IReadOnlyList<ISearchEvent> events, string node)
    {
        var holder = new Dictionary<long, string>();
        foreach (var e in events)
        {
            if (e is CandidateStarted s) holder[s.Id] = s.Node;
            if (e is CandidateReleased r && holder.GetValueOrDefault(r.Id) == node) yield return r;
        }
    }

    /// <summary>Seconds from kill -9 of the node hosting the Population to its recovery on another population node.</summary>
    private static async Task<double> HandoverAsync(string server)
    {
        await using var nodes = await ClusterNodes.CreateAsync(server);
        var config = nodes.Config(meanMs: 250);
        int first = FreePort(), second = FreePort(), third = FreePort();
        var oldest = nodes.Start("seed1", Seed(nodes, "handover", 1_000_000, config, first));
        nodes.Start("seed2", Seed(nodes, "handover", 1_000_000, config, second, "--join", $"127.0.0.1:{first}"));
        nodes.Start("seed3", Seed(nodes, "handover", 1_000_000, config, third, "--join", $"127.0.0.1:{first}"));
        nodes.Start("worker", Worker(first, 16, config));
        await nodes.WaitForLogAsync("handover", e => e.OfType<CandidateEvaluated>().Count() >= 200, TimeSpan.FromMinutes(2));
        var killedAt = DateTimeOffset.UtcNow;
        ClusterNodes.KillHard(oldest);
        var events = await nodes.WaitForLogAsync("handover", e => Recovered(e).Any(), TimeSpan.FromMinutes(2));
        return (Recovered(events).Min(r => r.At) - killedAt).TotalSeconds;
    }

    private static IEnumerable<CandidateReleased> Recovered(IReadOnlyList<ISearchEvent> events) =>
        events.OfType<CandidateReleased>().Where(r => r.Reason.Contains("recovered", StringComparison.Ordinal));

    private sealed record SlotUse(int Slots, double Utilization, double Window, double Rate, double GapMedianMs, double GapP99Ms, int Evaluated, double Total)
    {
        public IReadOnlyDictionary<string, double> CpuMsPerEvaluation { get; init; } = new Dictionary<string, double>();
    }

    /// <summary>Only the 2,000-slot run, with the CPU each process spent per evaluation while every slot was busy.</summary>
    public static async Task<int> RunUtilizationAsync(BenchOptions options)
    {
        var server = Environment.GetEnvironmentVariable("ACTORNAS_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(server))
        {
            Console.Error.WriteLine("error: the cluster benchmark needs PostgreSQL: set ACTORNAS_TEST_POSTGRES to an Npgsql connection string");
            return 2;
        }
        var big = await UtilizationAsync(server, totalSlots: options.Quick ? 300 : 2000, budget: options.Budget ?? (options.Quick ? 3000 : 40000));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{big.Slots} slots over 3 processes, 1 s log-normal tasks: utilisation {big.Utilization:P2} over {big.Window:F1} s, " +
            $"{big.Rate:F0} evaluations/s, gap median {big.GapMedianMs:F0} ms, p99 {big.GapP99Ms:F0} ms; {big.Evaluated} evaluated in {big.Total:F1} s"));
        foreach (var (name, ms) in big.CpuMsPerEvaluation)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name}: {ms:F3} ms CPU per evaluation"));
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["utilization2000"] = Math.Round(big.Utilization, 4),
            ["slots"] = big.Slots,
            ["evaluationsPerSecond"] = Math.Round(big.Rate, 1),
            ["gapMedianMs"] = Math.Round(big.GapMedianMs, 1),
            ["gapP99Ms"] = Math.Round(big.GapP99Ms, 1),
            ["cpuMsPerEvaluation"] = big.CpuMsPerEvaluation.ToDictionary(kv => kv.Key, kv => Math.Round(kv.Value, 3)),
            ["quick"] = options.Quick,
        }));
        return 0;
    }

    /// <summary>2,000 slots (or as many as asked) over 3 worker processes, 1 s log-normal tasks, continuous mode.</summary>
    private static async Task<SlotUse> UtilizationAsync(string server, int totalSlots, int budget)
    {
        await using var nodes = await ClusterNodes.CreateAsync(server);
        var config = nodes.Config(meanMs: 1000);
        var port = FreePort();
        var clock = Stopwatch.StartNew();
        var processes = new Dictionary<string, Process> { ["seed"] = nodes.Start("seed", Seed(nodes, "utilization", budget, config, port)) };
        for (var i = 0; i < 3; i++)
            processes[$"worker{i}"] = nodes.Start($"worker{i}", Worker(port, totalSlots / 3 + (i < totalSlots % 3 ? 1 : 0), config));
        var cpu = SampleCpu(processes, processes["seed"]);
        await WaitAsync(processes["seed"], TimeSpan.FromMinutes(10), nodes, "seed");
        var total = clock.Elapsed.TotalSeconds;
        var samples = await cpu;

        var evaluated = (await nodes.ReadLogAsync("utilization")).OfType<CandidateEvaluated>().ToList();
        return Measure(evaluated, total) with { CpuMsPerEvaluation = CpuPerEvaluation(samples, evaluated) };
    }

    private sealed record CpuSample(DateTimeOffset At, Dictionary<string, double> Seconds);

    /// <summary>Every 250 ms, the CPU seconds each process has used so far, until <paramref name="until"/> exits.</summary>
    private static async Task<List<CpuSample>> SampleCpu(Dictionary<string, Process> processes, Process until)
    {
        var samples = new List<CpuSample>();
        while (!until.HasExited)
        {
            var seconds = new Dictionary<string, double>();
            foreach (var (name, p) in processes)
            {
                try
                {
                    p.Refresh();
                    seconds[name] = p.TotalProcessorTime.TotalSeconds;
                }
                catch (InvalidOperationException)
                {
                    // exited between the check and the read
                }
            }
            samples.Add(new CpuSample(DateTimeOffset.UtcNow, seconds));
            await Task.Delay(250);
        }
        return samples;
    }

    /// <summary>
    /// CPU ms per evaluation of each process over the steady state (from the moment every slot had its first candidate
    /// to the budget's tail), so start-up and JIT are not counted.
    /// </summary>
    private static Dictionary<string, double> CpuPerEvaluation(List<CpuSample> samples, IReadOnlyList<CandidateEvaluated> evaluated)
    {
        var workers = evaluated.GroupBy(e => e.Worker).ToList();
        var from = workers.Max(g => g.Min(e => e.StartedAt));
        var to = evaluated.Select(e => e.FinishedAt).Order().ElementAt(Math.Max(0, evaluated.Count - workers.Count - 1));
        var inside = samples.Where(s => s.At >= from && s.At <= to).ToList();
        if (inside.Count < 2) return [];
        var (first, last) = (inside[0], inside[^1]);
        var count = evaluated.Count(e => e.FinishedAt > first.At && e.FinishedAt <= last.At);
        return first.Seconds.Keys.Where(last.Seconds.ContainsKey)
            .ToDictionary(name => name, name => (last.Seconds[name] - first.Seconds[name]) * 1000 / Math.Max(1, count));
    }

    /// <summary>
    /// Slot use between the moment every slot has had its first candidate and the moment the budget's tail begins
    /// (budget minus slots evaluated): the share of slot-time spent evaluating, the rate, and the gaps between a slot's
    /// result and its next start (the round trip through the Population and its journal).
    /// </summary>
    private static SlotUse Measure(IReadOnlyList<CandidateEvaluated> evaluated, double total)
    {
        var byWorker = evaluated.GroupBy(e => e.Worker).ToDictionary(g => g.Key, g => g.OrderBy(e => e.StartedAt).ToList());
        var from = byWorker.Values.Max(l => l[0].StartedAt);
        var to = evaluated.Select(e => e.FinishedAt).Order().ElementAt(Math.Max(0, evaluated.Count - byWorker.Count - 1));
        var window = (to - from).TotalSeconds;
        double busy = 0;
        var gaps = new List<double>();
        foreach (var list in byWorker.Values)
        {
            for (var i = 0; i < list.Count; i++)
            {
                var (start, end) = (Max(list[i].StartedAt, from), Min(list[i].FinishedAt, to));
                if (end > start) busy += (end - start).TotalSeconds;
                if (i > 0 && list[i].StartedAt > from && list[i].StartedAt < to) gaps.Add((list[i].StartedAt - list[i - 1].FinishedAt).TotalMilliseconds);
            }
        }
        gaps.Sort();
        var inWindow = evaluated.Count(e => e.FinishedAt > from && e.FinishedAt <= to);
        return new SlotUse(byWorker.Count, busy / (byWorker.Count * window), window, inWindow / window,
            gaps.Count == 0 ? 0 : gaps[gaps.Count / 2], gaps.Count == 0 ? 0 : gaps[(int)(gaps.Count * 0.99)], evaluated.Count, total);
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static async Task WaitAsync(Process process, TimeSpan timeout, ClusterNodes nodes, string name)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{name} did not finish within {timeout.TotalMinutes:F0} min:\n{nodes.Output(name)}");
        }
        if (process.ExitCode != 0) throw new InvalidOperationException($"{name} exited {process.ExitCode}:\n{nodes.Output(name)}");
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
