using ActorNas.Core.Evaluation;
using ActorNas.Core.Events;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;

namespace ActorNas.Tests.Shared;

/// <summary>
/// Random search logs for the properties of `actornas status`: workers on two nodes that fail (retried, some finally),
/// report NaN, die (a worker's candidates released) or leave with their node (a cluster release); the owner pauses and
/// resumes and sometimes stops the search; evaluations report weight-cache metrics or none; workers hold a lookahead
/// (1 to 3 candidates each), so the budget can be reached with candidates cancelled. Every event is decided by
/// <see cref="SearchState.Decide"/>, so each log is one the Population could have written; it ends when the search
/// completes, or after a step limit (a search still running).
/// </summary>
/// <remarks>One file, compiled into the test projects that need it (see their csproj).</remarks>
internal static class RandomSearchLogs
{
    private static readonly string[] Workers = ["a0", "a1", "b0", "b1", "b2"];
    private static readonly DateTimeOffset Epoch = new(2025, 5, 1, 8, 0, 0, TimeSpan.Zero);

    /// <summary>The log of one random search; the same <paramref name="seed"/> gives the same log.</summary>
    public static IReadOnlyList<ISearchEvent> Generate(ulong seed)
    {
        var random = new Random(unchecked((int)seed ^ (int)(seed >> 32)));
        var population = random.Next(1, 12);
        var config = new SearchSettings
        {
            Space = new SearchSpaceSpec(Nb201Space.SpaceName),
            PopulationSize = population,
            SampleSize = random.Next(1, population + 1),
            Budget = random.Next(1, 120),
            Mode = random.Next(4) == 0 ? SchedulingMode.Batch : SchedulingMode.Continuous,
            BatchSize = random.Next(1, 6),
            MaxAttempts = random.Next(1, 4),
            MaxFailures = random.Next(3) == 0 ? random.Next(1, 6) : 1000,
            Seed = random.NextInt64(),
        };
        var failRate = random.Next(3) == 0 ? 0 : random.NextDouble() * 0.3;
        var controlRate = random.NextDouble() * 0.06;   // pauses, releases, node releases
        var stopRate = random.Next(3) == 0 ? 0.01 : 0;
        var cacheMetrics = random.Next(3) != 0;
        var steps = random.Next(3) == 0 ? random.Next(5, 200) : 5_000;
        var capacity = random.Next(1, 4);   // the candidate a worker evaluates plus its lookahead

        var state = new SearchState();
        var log = new List<ISearchEvent>();
        var clock = Epoch;
        DateTimeOffset Tick() => clock = clock.AddMilliseconds(random.Next(1, 5_000));
        void Apply(Decision decision)
        {
            foreach (var e in decision.Events)
            {
                state.Apply(e);
                log.Add(e);
            }
        }

        Apply(state.Decide(new StartSearch(config, Tick())));
        for (var step = 0; step < steps && !state.IsCompleted; step++)
        {
            var worker = Workers[random.Next(Workers.Length)];
            var running = state.Pending.Values.Where(p => p.IsRunning).OrderBy(p => p.Id).ToList();
            var roll = random.NextDouble();
            if (roll < stopRate) Apply(state.Decide(new EndSearch("the owner stopped it", Tick())));
            else if (roll < controlRate)
            {
                Apply(random.Next(4) switch
                {
                    0 => state.Decide(state.IsPaused ? new ResumeWork(Tick()) : new PauseWork("maintenance", Tick())),
                    1 => state.Decide(new ReleaseNodeWork(NodeOf(worker), "the node left the cluster", Tick())),
                    2 => state.Decide(new ReleaseWorker(worker, "its worker stopped", Tick())),
                    _ => state.Decide(new ReleaseAllWork("the search recovered", Tick())),
                });
            }
            else if (state.IsPaused && running.Count == 0) Apply(state.Decide(new ResumeWork(Tick())));
            else if (running.Count > 0 && random.Next(2) == 0) Finish(running[random.Next(running.Count)]);
            else Apply(state.Decide(new AssignWork(worker, NodeOf(worker), Tick(), DrawChildHere: true, Capacity: capacity)));
        }
        return log;

        void Finish(PendingCandidate candidate)
        {
            var (worker, node) = (candidate.Worker!, candidate.Node!);
            var roll = random.NextDouble();
            if (roll < failRate)
                Apply(state.Decide(new RecordFailure(candidate.Id, "it threw", worker, Tick(), Permanent: random.Next(8) == 0)));
            else if (roll < failRate * 1.2)
                Apply(state.Decide(new RecordResult(candidate.Id, new EvaluationResult(double.NaN), candidate.StartedAt!.Value, Tick(), worker, node)));
            else
                Apply(state.Decide(new RecordResult(candidate.Id, new EvaluationResult(random.NextDouble(), cacheMetrics ? CacheMetrics(random) : null),
                    candidate.StartedAt!.Value, Tick(), worker, node)));
        }
    }

    private static string NodeOf(string worker) => worker.StartsWith('a') ? "node-a" : "node-b";

    /// <summary>The weight-cache metrics an evaluation with transfer reports (docs/weight-cache.md).</summary>
    private static Dictionary<string, double> CacheMetrics(Random random)
    {
        var requested = random.Next(0, 12);
        var local = random.Next(0, requested + 1);
        return new Dictionary<string, double>
        {
            ["cacheLayersRequested"] = requested,
            ["cacheLocalHits"] = local,
            ["cacheRemoteHits"] = random.Next(0, requested - local + 1),
            ["cacheBytesFetched"] = random.Next(0, 1 << 20),
            ["cacheFetchSeconds"] = random.NextDouble() / 7,
            ["cacheBytes"] = random.Next(0, 1 << 24),
            ["cacheEvictions"] = random.Next(0, 50),
        };
    }
}
