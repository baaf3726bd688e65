using System.Diagnostics;
using System.Globalization;
using ActorNas.Core.Events;

namespace ActorNas.Integration.Tests.Cluster;

/// <summary>
/// Cluster searches as users run them: `actornas seed` and `actornas worker` processes on 127.0.0.1 with the log in
/// PostgreSQL, and `kill -9` of a worker or of the node that hosts the Population.
/// </summary>
public sealed class ClusterSearchTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(150);

    private static string[] SeedArgs(string searchId, int budget, string config, int port, string log, params string[] more) =>
    [
        "seed", "--search-id", searchId, "--evaluator", "synthetic", "--budget", budget.ToString(CultureInfo.InvariantCulture), "--population", "20", "--sample", "5",
        "--seed", "11", "--config", config, "--port", port.ToString(CultureInfo.InvariantCulture), "--log-file", log, "--json", .. more,
    ];

    private static string[] WorkerArgs(int seedPort, int port, int slots, string config, string log) =>
    [
        "worker", "--join", $"127.0.0.1:{seedPort}", "--port", port.ToString(CultureInfo.InvariantCulture),
        "--slots", slots.ToString(CultureInfo.InvariantCulture), "--config", config, "--log-file", log,
    ];

    // no node is Up, so nothing is evaluated, before both workers have joined: each test needs both to take part, and
    // on a loaded machine one worker can join after the other has spent the budget
    private const string BothWorkersFirst = "akka.cluster.role.evaluator.min-nr-of-members = 2";

    [SkippableFact]
    public async Task One_population_node_and_two_workers_complete_a_search_and_the_log_matches()
    {
        Skip.If(ClusterTestKit.ServerConnectionString is null, ClusterTestKit.SkipReason);
        await using var kit = await ClusterTestKit.CreateAsync();
        const int budget = 600;
        var config = kit.WriteConfig("node.hocon", meanMs: 60, BothWorkersFirst);
        int seedPort = ClusterTestKit.FreePort(), w1 = ClusterTestKit.FreePort(), w2 = ClusterTestKit.FreePort();

        using var seed = ActorNasProcess.Start(kit.Dir.Path, SeedArgs("two", budget, config, seedPort, kit.LogFile("seed")));
        using var worker1 = ActorNasProcess.Start(kit.Dir.Path, WorkerArgs(seedPort, w1, 3, config, kit.LogFile("w1")));
        using var worker2 = ActorNasProcess.Start(kit.Dir.Path, WorkerArgs(seedPort, w2, 3, config, kit.LogFile("w2")));

        // while it runs, `status --join` shows the members, their slots and what each is evaluating
        await kit.WaitForLogAsync("two", e => e.OfType<CandidateEvaluated>().Select(v => v.Node).Distinct().Count() == 2,
            TimeSpan.FromSeconds(90), "both workers evaluating");
        var live = await ActorNasProcess.RunAsync(kit.Dir.Path, "status", "--join", $"127.0.0.1:{seedPort}", "--config", config, "--json");
        output.WriteLine(live.ToString());
        Assert.True(live.ExitCode == 0, live.ToString());
        using (var json = System.Text.Json.JsonDocument.Parse(live.StdoutLines[^1]))
        {
            var members = json.RootElement.GetProperty("members").EnumerateArray()
                .ToDictionary(m => m.GetProperty("node").GetString()!, m => m);
            Assert.Equal("population", members[$"127.0.0.1:{seedPort}"].GetProperty("roles")[0].GetString());
            foreach (var port in new[] { w1, w2 })
            {
                var worker = members[$"127.0.0.1:{port}"];
                Assert.Equal("evaluator", worker.GetProperty("roles")[0].GetString());
                Assert.Equal(3, worker.GetProperty("slots").GetInt32());
                Assert.All(worker.GetProperty("evaluating").EnumerateArray(),
                    s => Assert.StartsWith($"127.0.0.1:{port}/slot-", s.GetProperty("worker").GetString(), StringComparison.Ordinal));
            }
            Assert.Equal("two", json.RootElement.GetProperty("search").GetProperty("searchId").GetString());
        }

        var seedResult = await seed.ResultAsync(Generous);
        var r1 = await worker1.ResultAsync(Generous);
        var r2 = await worker2.ResultAsync(Generous);
        output.WriteLine(seedResult.ToString());
        Assert.True(seedResult.ExitCode == 0, seedResult.ToString());
        Assert.True(r1.ExitCode == 0, r1.ToString());
        Assert.True(r2.ExitCode == 0, r2.ToString());
        Assert.Contains("the search is over", r1.Stdout, StringComparison.Ordinal);

        var summary = seedResult.Summary();
        Assert.True(summary.Completed);
        Assert.Equal(budget, summary.Evaluated);

        var events = await kit.ReadLogAsync("two");
        LogChecks.CompletedExactlyOnce(events, budget);
        var evaluated = events.OfType<CandidateEvaluated>().ToList();
        Assert.Equal(summary.Best!.Objective, evaluated.Max(e => e.Objective));
        Assert.Equal(summary.Best.Id, evaluated.MaxBy(e => e.Objective)!.Id);
        // both workers evaluated, under their host:port node ids and slot worker ids; nothing ran on the population node
        var byNode = evaluated.GroupBy(e => e.Node).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine(string.Join(", ", byNode.Select(p => $"{p.Key}: {p.Value}")));
        Assert.Equal(new[] { $"127.0.0.1:{w1}", $"127.0.0.1:{w2}" }.Order(), byNode.Keys.Order());
        Assert.All(evaluated, e => Assert.StartsWith(e.Node + "/slot-", e.Worker, StringComparison.Ordinal));
        Assert.All(byNode.Values, n => Assert.True(n >= 40, $"a worker evaluated only {n}"));
        // the search's settings are recorded (the synthetic evaluator's mean), the connection string is not
        var recorded = Assert.Single(events.OfType<SearchStarted>()).Config.Settings;
        Assert.Contains("\"mean\" = \"60ms\"", recorded, StringComparison.Ordinal);
        Assert.DoesNotContain(kit.ConnectionString, recorded, StringComparison.Ordinal);
        Assert.DoesNotContain("postgresql", recorded, StringComparison.Ordinal);

        // what `status` reads back from PostgreSQL agrees with what the population node printed
        var status = await ActorNasProcess.RunAsync(kit.Dir.Path, "status", "--config", config, "--search-id", "two", "--json");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Equal((summary.Evaluated, summary.Best.Id, summary.Best.Objective),
            (status.Summary().Evaluated, status.Summary().Best!.Id, status.Summary().Best!.Objective));
    }

    [SkippableFact]
    public async Task A_worker_killed_mid_search_has_its_candidates_re_issued_and_nothing_is_lost_or_doubled()
    {
        Skip.If(ClusterTestKit.ServerConnectionString is null, ClusterTestKit.SkipReason);
        await using var kit = await ClusterTestKit.CreateAsync();
        const int budget = 400;
        var config = kit.WriteConfig("node.hocon", meanMs: 60, BothWorkersFirst);
        int seedPort = ClusterTestKit.FreePort(), victimPort = ClusterTestKit.FreePort(), survivorPort = ClusterTestKit.FreePort();
        var victimNode = $"127.0.0.1:{victimPort}";

        using var seed = ActorNasProcess.Start(kit.Dir.Path, SeedArgs("kill-worker", budget, config, seedPort, kit.LogFile("seed")));
        using var victim = ActorNasProcess.Start(kit.Dir.Path, WorkerArgs(seedPort, victimPort, 4, config, kit.LogFile("victim")));
        using var survivor = ActorNasProcess.Start(kit.Dir.Path, WorkerArgs(seedPort, survivorPort, 4, config, kit.LogFile("survivor")));

        // both workers are members (a worker evaluates only once it is Up) and busy
        await kit.WaitForLogAsync("kill-worker", e => e.OfType<CandidateEvaluated>().Count(v => v.Node == victimNode) >= 20
                                                      && e.OfType<CandidateEvaluated>().Any(v => v.Node == $"127.0.0.1:{survivorPort}"),
            TimeSpan.FromSeconds(90), "20 evaluations on the victim and some on the survivor");
        var killedAt = DateTimeOffset.UtcNow;
        victim.KillHard();
        Assert.Equal(ActorNasProcess.KilledExitCode, (await victim.ResultAsync(TimeSpan.FromSeconds(20))).ExitCode);

        var seedResult = await seed.ResultAsync(Generous);
        var survivorResult = await survivor.ResultAsync(Generous);
        Assert.True(seedResult.ExitCode == 0, seedResult.ToString());
        Assert.True(survivorResult.ExitCode == 0, survivorResult.ToString());

        var events = await kit.ReadLogAsync("kill-worker");
        LogChecks.CompletedExactlyOnce(events, budget);

        // the candidates the victim held when it died went back to the queue and were finished elsewhere
        var holder = new Dictionary<long, string>();
        var reissued = new List<(long Id, string Reason, DateTimeOffset At)>();
        foreach (var e in events)
        {
            if (e is CandidateStarted s) holder[s.Id] = s.Node;
            if (e is CandidateReleased r && holder.GetValueOrDefault(r.Id) == victimNode) reissued.Add((r.Id, r.Reason, r.At));
        }
        Assert.NotEmpty(reissued);
        foreach (var r in reissued) output.WriteLine($"candidate {r.Id} released {(r.At - killedAt).TotalSeconds:F1} s after the kill: {r.Reason}");
        var evaluatedOn = events.OfType<CandidateEvaluated>().ToDictionary(e => e.Id, e => e.Node);
        Assert.All(reissued, r => Assert.Equal($"127.0.0.1:{survivorPort}", evaluatedOn[r.Id]));
        Assert.All(reissued, r => Assert.True(r.At >= killedAt.AddSeconds(-1), $"candidate {r.Id} released before the kill"));
        Assert.Contains(reissued, r => r.Reason.Contains("node was downed", StringComparison.Ordinal)
                                       || r.Reason.Contains("worker stopped", StringComparison.Ordinal)
                                       || r.Reason.Contains("left the cluster", StringComparison.Ordinal));
        // and the seed saw the victim go: unreachable, then downed
        var seedLog = await File.ReadAllTextAsync(kit.LogFile("seed"));
        Assert.Contains($"node {victimNode} is gone", seedLog, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Killing_the_node_of_the_Population_moves_it_and_it_recovers_from_PostgreSQL()
    {
        Skip.If(ClusterTestKit.ServerConnectionString is null, ClusterTestKit.SkipReason);
        await using var kit = await ClusterTestKit.CreateAsync();
        const int budget = 500;
        var config = kit.WriteConfig("node.hocon", meanMs: 60);
        int first = ClusterTestKit.FreePort(), second = ClusterTestKit.FreePort(), third = ClusterTestKit.FreePort(), worker = ClusterTestKit.FreePort();

        // three population nodes (keep-majority needs three to survive losing one), all members before the worker
        // starts: a node still joining through the first one when it is killed would never get in (a CI run did that)
        using var seed1 = ActorNasProcess.Start(kit.Dir.Path, SeedArgs("failover", budget, config, first, kit.LogFile("seed1")));
        using var seed2 = ActorNasProcess.Start(kit.Dir.Path, SeedArgs("failover", budget, config, second, kit.LogFile("seed2"), "--join", $"127.0.0.1:{first}"));
        using var seed3 = ActorNasProcess.Start(kit.Dir.Path, SeedArgs("failover", budget, config, third, kit.LogFile("seed3"), "--join", $"127.0.0.1:{first}"));
        await kit.WaitForNodeLogAsync("seed2", $"population node 127.0.0.1:{second}", TimeSpan.FromSeconds(90));
        await kit.WaitForNodeLogAsync("seed3", $"population node 127.0.0.1:{third}", TimeSpan.FromSeconds(90));
        using var evaluators = ActorNasProcess.Start(kit.Dir.Path, WorkerArgs(first, worker, 6, config, kit.LogFile("worker")));

        await kit.WaitForLogAsync("failover", e => e.OfType<CandidateEvaluated>().Count() >= 100, TimeSpan.FromSeconds(90), "100 evaluations");
        var killedAt = DateTimeOffset.UtcNow;
        seed1.KillHard();   // the first node is the oldest: it hosts the singleton
        var clock = Stopwatch.StartNew();

        var r2 = await seed2.ResultAsync(Generous);
        var r3 = await seed3.ResultAsync(Generous);
        var rw = await evaluators.ResultAsync(Generous);
        output.WriteLine($"survivors finished {clock.Elapsed.TotalSeconds:F1} s after the kill");
        Assert.True(r2.ExitCode == 0, r2.ToString());
        Assert.True(r3.ExitCode == 0, r3.ToString());
        Assert.True(rw.ExitCode == 0, rw.ToString());
        Assert.Equal(budget, r2.Summary().Evaluated);

        var events = await kit.ReadLogAsync("failover");
        LogChecks.CompletedExactlyOnce(events, budget);
        // the new Population recovered the log and handed out what was in flight
        var recovered = events.OfType<CandidateReleased>().Where(r => r.Reason.Contains("recovered", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(recovered);
        var handover = recovered.Min(r => r.At) - killedAt;
        output.WriteLine($"singleton recovered {handover.TotalSeconds:F1} s after the kill; {recovered.Count} candidates handed out again");
        Assert.True(handover > TimeSpan.Zero);
        Assert.Single(events.OfType<SearchStarted>());
        var logs = await Task.WhenAll(File.ReadAllTextAsync(kit.LogFile("seed2")), File.ReadAllTextAsync(kit.LogFile("seed3")));
        Assert.Contains(logs, l => l.Contains("search failover recovered", StringComparison.Ordinal));
    }
}
