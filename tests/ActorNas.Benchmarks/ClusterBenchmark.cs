using System.Diagnostics;
using System.Globalization;
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

        var big = await UtilizationAsync(server, totalSlots: quick ? 300 : 2000, budget: options.Budget ?? (quick ? 3000 : 40000), lookahead: 1);
        PrintUtilization(big);

        var json = new BenchJson()
            .Add("speedup3v1", speedup, 3)
            .Add("reissueSeconds", reissue, 2)
            .Add("handoverSeconds", handover, 2);
        AddUtilization(json, big)
            .Add("throughput1", one, 1)
            .Add("throughput3", three, 1)
            .Add("quick", quick ? 1 : 0, 0);
        Console.WriteLine(json);
        return 0;
    }

    /// <summary>The utilisation run's lines: the steady window and the whole run, both over the configured slots.</summary>
    private static void PrintUtilization(SlotUse big)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{big.Slots} slots configured over 3 processes, 1 s log-normal tasks; {big.Evaluated} evaluated, the seed process ran {big.Total:F1} s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  steady window (every configured slot has had a candidate, up to the budget's tail): {big.Window:F1} s, utilisation " +
            $"{big.Utilization:P2}, {big.Rate:F0} evaluations/s (ideal {big.Slots / 1.0:F0}); gap between a result and the next start: " +
            $"median {big.GapMedianMs:F0} ms, p99 {big.GapP99Ms:F0} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  whole run (first start to last finish, ramp-up and tail included): {big.WholeSeconds:F1} s, utilisation " +
            $"{big.WholeUtilization:P2}, {big.WholeRate:F0} evaluations/s; the last slot started its first candidate {big.RampUpSeconds:F1} s " +
            $"after the first"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  ideal (the same durations list-scheduled on {big.Slots} slots with zero overhead): whole run {big.Ideal.Whole:P2} " +
            $"(makespan {big.Ideal.Makespan.TotalSeconds:F1} s), so the run reached {big.WholeUtilization / big.Ideal.Whole:F4} of it; " +
            $"up to the ideal's last start {big.Ideal.Steady:P2}, the steady window reached {big.Utilization / big.Ideal.Steady:F4} of that"));
    }

    /// <summary>The utilisation keys; the slot count is in their names, so a --quick run's keys do not claim 2,000 slots.</summary>
    private static BenchJson AddUtilization(BenchJson json, SlotUse big) => json
        .Add($"utilization{big.Slots}Steady", big.Utilization, 4)
        .Add($"utilization{big.Slots}WholeRun", big.WholeUtilization, 4)
        .Add($"utilization{big.Slots}Ideal", big.Ideal.Whole, 4)
        .Add($"utilization{big.Slots}WholeRunOfIdeal", big.WholeUtilization / big.Ideal.Whole, 4)
        .Add($"utilization{big.Slots}SteadyIdeal", big.Ideal.Steady, 4)
        .Add($"utilization{big.Slots}SteadyOfIdeal", big.Utilization / big.Ideal.Steady, 4)
        .Add("slots", big.Slots, 0)
        .Add("evaluationsPerSecond", big.Rate, 1)
        .Add("evaluationsPerSecondWholeRun", big.WholeRate, 1)
        .Add("steadySeconds", big.Window, 1)
        .Add("wholeRunSeconds", big.WholeSeconds, 1)
        .Add("rampUpSeconds", big.RampUpSeconds, 1)
        .Add("gapMedianMs", big.GapMedianMs, 1)
        .Add("gapP99Ms", big.GapP99Ms, 1);

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
        await nodes.WaitForExitAsync("seed", seed, TimeSpan.FromMinutes(5));
        await nodes.WaitForAllExitAsync(WorkersLeave);
        var use = Measure((await nodes.ReadLogAsync("throughput")).OfType<CandidateEvaluated>().ToList(), processes * slots, 0);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {processes} x {slots} slots: {use.Rate:F1} evaluations/s over {use.Window:F1} s, utilisation {use.Utilization:P1}, gap median {use.GapMedianMs:F0} ms"));
        return use.Rate;
    }

    /// <summary>How long workers may take to exit 0 after the seed finished (they learn it when they next ask).</summary>
    private static readonly TimeSpan WorkersLeave = TimeSpan.FromSeconds(60);

    /// <summary>Seconds from kill -9 of a worker to the first release, after the kill, of a candidate it held.</summary>
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
        nodes.KillHard(victim);
        var events = await nodes.WaitForLogAsync("reissue", e => Released(e, victimNode, killedAt).Any(), TimeSpan.FromMinutes(2));
        nodes.ThrowIfAnyFailed();
        return (Released(events, victimNode, killedAt).Min(r => r.At) - killedAt).TotalSeconds;
    }

    /// <summary>Releases at or after <paramref name="after"/> of candidates that <paramref name="node"/> held (earlier ones are not the kill's).</summary>
    private static IEnumerable<CandidateReleased> Released(IReadOnlyList<ISearchEvent> events, string node, DateTimeOffset after)
    {
        var holder = new Dictionary<long, string>();
        foreach (var e in events)
        {
            if (e is CandidateStarted s) holder[s.Id] = s.Node;
            if (e is CandidateReleased r && r.At >= after && holder.GetValueOrDefault(r.Id) == node) yield return r;
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
        nodes.KillHard(oldest);
        var events = await nodes.WaitForLogAsync("handover", e => Recovered(e, killedAt).Any(), TimeSpan.FromMinutes(2));
        nodes.ThrowIfAnyFailed();
        return (Recovered(events, killedAt).Min(r => r.At) - killedAt).TotalSeconds;
    }

    private static IEnumerable<CandidateReleased> Recovered(IReadOnlyList<ISearchEvent> events, DateTimeOffset after) =>
        events.OfType<CandidateReleased>().Where(r => r.At >= after && r.Reason.Contains("recovered", StringComparison.Ordinal));

    /// <param name="Slots">The slots configured (not the ones that show up in the log).</param>
    /// <param name="Utilization">Busy slot time over slots x the steady window.</param>
    /// <param name="WholeUtilization">Busy slot time over slots x the whole run (first start to last finish).</param>
    /// <param name="RampUpSeconds">From the first start of any slot to the first start of the last slot to begin.</param>
    private sealed record SlotUse(int Slots, double Utilization, double Window, double Rate, double WholeUtilization, double WholeSeconds,
        double WholeRate, double RampUpSeconds, double GapMedianMs, double GapP99Ms, int Evaluated, double Total, IdealSchedule.Result Ideal)
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
        var slots = options.Quick ? 300 : 2000;
        var budget = options.Budget ?? (options.Quick ? 3000 : 40000);
        // before (lookahead 0, the default) and after (lookahead 1) back to back, so both see the same machine
        var before = await UtilizationAsync(server, slots, budget, lookahead: 0);
        Console.WriteLine("lookahead 0 (a slot waits for its result's write, the tournament and its next assignment's write):");
        PrintUtilization(before);
        PrintCpu(before);
        var after = await UtilizationAsync(server, slots, budget, lookahead: 1);
        Console.WriteLine("lookahead 1 (each slot holds its next candidate while it evaluates):");
        PrintUtilization(after);
        PrintCpu(after);
        var json = AddUtilization(new BenchJson(), after);
        AddCpu(json, after, "");
        json.Add($"utilization{before.Slots}WholeRunLookahead0", before.WholeUtilization, 4)
            .Add($"utilization{before.Slots}WholeRunOfIdealLookahead0", before.WholeUtilization / before.Ideal.Whole, 4)
            .Add($"utilization{before.Slots}SteadyOfIdealLookahead0", before.Utilization / before.Ideal.Steady, 4)
            .Add("evaluationsPerSecondLookahead0", before.Rate, 1);
        AddCpu(json, before, "Lookahead0");
        Console.WriteLine(json.Add("lookahead", 1, 0).Add("quick", options.Quick ? 1 : 0, 0));
        return 0;
    }

    private static void PrintCpu(SlotUse run)
    {
        foreach (var (name, ms) in run.CpuMsPerEvaluation)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name}: {ms:F3} ms CPU per evaluation in the steady window"));
    }

    private static void AddCpu(BenchJson json, SlotUse run, string suffix)
    {
        foreach (var (name, ms) in run.CpuMsPerEvaluation)
            json.Add($"cpuMsPerEvaluation{char.ToUpperInvariant(name[0])}{name[1..]}{suffix}", ms, 3);
    }

    /// <summary>2,000 slots (or as many as asked) over 3 worker processes, 1 s log-normal tasks, continuous mode, each slot holding <paramref name="lookahead"/> candidates beyond the one it evaluates.</summary>
    private static async Task<SlotUse> UtilizationAsync(string server, int totalSlots, int budget, int lookahead)
    {
        await using var nodes = await ClusterNodes.CreateAsync(server);
        var config = nodes.Config(meanMs: 1000, FormattableString.Invariant($"actornas.evaluator.lookahead = {lookahead}"));
        var port = FreePort();
        var clock = Stopwatch.StartNew();
        var processes = new Dictionary<string, Process> { ["seed"] = nodes.Start("seed", Seed(nodes, "utilization", budget, config, port)) };
        for (var i = 0; i < 3; i++)
            processes[$"worker{i}"] = nodes.Start($"worker{i}", Worker(port, totalSlots / 3 + (i < totalSlots % 3 ? 1 : 0), config));
        var cpu = SampleCpu(processes, processes["seed"]);
        await nodes.WaitForExitAsync("seed", processes["seed"], TimeSpan.FromMinutes(10));
        var total = clock.Elapsed.TotalSeconds;
        var samples = await cpu;
        await nodes.WaitForAllExitAsync(WorkersLeave);

        var evaluated = (await nodes.ReadLogAsync("utilization")).OfType<CandidateEvaluated>().ToList();
        return Measure(evaluated, totalSlots, total) with { CpuMsPerEvaluation = CpuPerEvaluation(samples, evaluated, totalSlots) };
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
    private static Dictionary<string, double> CpuPerEvaluation(List<CpuSample> samples, IReadOnlyList<CandidateEvaluated> evaluated, int slots)
    {
        var from = evaluated.GroupBy(e => e.Worker).Max(g => g.Min(e => e.StartedAt));
        var to = evaluated.Select(e => e.FinishedAt).Order().ElementAt(Math.Max(0, evaluated.Count - slots - 1));
        var inside = samples.Where(s => s.At >= from && s.At <= to).ToList();
        if (inside.Count < 2) return [];
        var (first, last) = (inside[0], inside[^1]);
        var count = evaluated.Count(e => e.FinishedAt > first.At && e.FinishedAt <= last.At);
        return first.Seconds.Keys.Where(last.Seconds.ContainsKey)
            .ToDictionary(name => name, name => (last.Seconds[name] - first.Seconds[name]) * 1000 / Math.Max(1, count));
    }

    /// <summary>
    /// Slot use over the configured slots, two ways. Steady: from the moment every configured slot has had its first
    /// candidate to the moment the budget's tail begins (budget minus slots evaluated): the share of slot-time spent
    /// evaluating, the rate, and the gaps between a slot's result and its next start (the round trip through the
    /// Population and its journal). Whole run: from the first start to the last finish, joining and tail included.
    /// A configured slot that never evaluated anything fails the benchmark: there is no steady window without it.
    /// </summary>
    private static SlotUse Measure(IReadOnlyList<CandidateEvaluated> evaluated, int slots, double total)
    {
        var byWorker = evaluated.GroupBy(e => e.Worker).ToDictionary(g => g.Key, g => g.OrderBy(e => e.StartedAt).ToList());
        if (byWorker.Count != slots)
            throw new BenchmarkFailedException($"{slots} slots were configured but {byWorker.Count} evaluated candidates: " +
                                               (byWorker.Count < slots ? "a worker process did not join or lost slots" : "the log has slots nobody started"));
        var firstStart = evaluated.Min(e => e.StartedAt);
        var lastFinish = evaluated.Max(e => e.FinishedAt);
        var from = byWorker.Values.Max(l => l[0].StartedAt);
        var to = evaluated.Select(e => e.FinishedAt).Order().ElementAt(Math.Max(0, evaluated.Count - slots - 1));
        var window = (to - from).TotalSeconds;
        double busy = 0, busyWhole = 0;
        var gaps = new List<double>();
        foreach (var list in byWorker.Values)
        {
            for (var i = 0; i < list.Count; i++)
            {
                busyWhole += (list[i].FinishedAt - list[i].StartedAt).TotalSeconds;
                var (start, end) = (Max(list[i].StartedAt, from), Min(list[i].FinishedAt, to));
                if (end > start) busy += (end - start).TotalSeconds;
                if (i > 0 && list[i].StartedAt > from && list[i].StartedAt < to) gaps.Add((list[i].StartedAt - list[i - 1].FinishedAt).TotalMilliseconds);
            }
        }
        gaps.Sort();
        var inWindow = evaluated.Count(e => e.FinishedAt > from && e.FinishedAt <= to);
        var whole = (lastFinish - firstStart).TotalSeconds;
        var ideal = IdealSchedule.Of(evaluated.OrderBy(e => e.StartedAt).Select(e => e.FinishedAt - e.StartedAt).ToList(), slots);
        return new SlotUse(slots, busy / (slots * window), window, inWindow / window, busyWhole / (slots * whole), whole, evaluated.Count / whole,
            (from - firstStart).TotalSeconds, gaps.Count == 0 ? double.NaN : gaps[gaps.Count / 2], gaps.Count == 0 ? double.NaN : gaps[(int)(gaps.Count * 0.99)],
            evaluated.Count, total, ideal);
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
