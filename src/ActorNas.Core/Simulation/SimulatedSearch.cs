using ActorNas.Core.Evaluation;
using ActorNas.Core.Events;
using ActorNas.Core.Evolution;

namespace ActorNas.Core.Simulation;

/// <summary>A finished simulated search: its log (stamped with simulated times) and how busy its workers were.</summary>
public sealed record SimulationResult(SearchState State, IReadOnlyList<ISearchEvent> Events, int Workers, double Seconds, double BusySeconds)
{
    /// <summary>Busy worker-seconds over available worker-seconds, from the start to the last result.</summary>
    public double Utilization => Seconds <= 0 ? 0 : BusySeconds / (Workers * Seconds);
}

/// <summary>
/// A search on a virtual clock: W workers, the same <see cref="SearchState"/> decisions the Population actor makes,
/// and durations from an <see cref="ISimulatedEvaluator"/>. Nothing sleeps; a free worker asks for work at once,
/// and the next event is always the earliest finish (ties to the earlier start). With one worker the candidates come
/// in the same order as a real run of the actors, because each decision depends only on the results before it.
/// </summary>
public static class SimulatedSearch
{
    /// <summary>Where simulated time starts, unless told otherwise.</summary>
    public static readonly DateTimeOffset Epoch = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public const string Node = "simulated";

    public static string WorkerName(int index) => $"sim-worker-{index}";

    public static SimulationResult Run(SearchSettings config, ISimulatedEvaluator evaluator, int workers,
        Action<ISearchEvent>? onEvent = null, DateTimeOffset? start = null)
    {
        if (workers < 1) throw new ArgumentOutOfRangeException(nameof(workers), $"a simulation needs at least one worker, got {workers}");
        var t0 = start ?? Epoch;
        var state = new SearchState();
        var log = new List<ISearchEvent>();
        var idle = new Queue<int>(Enumerable.Range(0, workers));
        var running = new PriorityQueue<Job, (double Finish, long Sequence)>();
        long sequence = 0;
        double now = 0, busy = 0;

        void Apply(IReadOnlyList<ISearchEvent> events)
        {
            foreach (var e in events)
            {
                state.Apply(e);
                log.Add(e);
                onEvent?.Invoke(e);
            }
        }

        Apply(state.Decide(new StartSearch(config, t0)).Events);
        while (!state.IsCompleted)
        {
            // a tournament's child is drawn here at once, where the Population would ask a Mutator
            while (idle.Count > 0 && state.Decide(new AssignWork(WorkerName(idle.Peek()), Node, t0.AddSeconds(now), DrawChildHere: true))
                is AssignCandidate { Candidate: var candidate } assign)
            {
                Apply(assign.Events);
                var worker = idle.Dequeue();
                SimulatedEvaluation? outcome = null;
                string? failure = null;
                var permanent = false;
                try
                {
                    var simulated = evaluator.Simulate(candidate, config.Seed);
                    if (simulated.Seconds >= 0 && !double.IsInfinity(simulated.Seconds)) outcome = simulated;
                    else failure = $"the evaluator simulated a duration of {simulated.Seconds} s";
                }
                catch (Exception e)
                {
                    failure = e.Message;
                    permanent = e is PermanentEvaluationException;
                }
                var seconds = outcome?.Seconds ?? 0;
                running.Enqueue(new Job(worker, candidate, now, outcome, failure, permanent), (now + seconds, sequence++));
            }
            if (!running.TryDequeue(out var job, out var finish))
                throw new InvalidOperationException("the simulation stalled: no work in flight and none to hand out");

            now = finish.Finish;
            busy += now - job.Started;
            var workerName = WorkerName(job.Worker);
            Apply(state.Decide(job.Outcome is { } done
                ? new RecordResult(job.Candidate.Id, done.Result, t0.AddSeconds(job.Started), t0.AddSeconds(now), workerName, Node)
                : new RecordFailure(job.Candidate.Id, job.Failure ?? "failed", workerName, t0.AddSeconds(now), job.Permanent)).Events);
            idle.Enqueue(job.Worker);
        }
        return new SimulationResult(state, log, workers, now, busy);
    }

    private sealed record Job(int Worker, Candidate Candidate, double Started, SimulatedEvaluation? Outcome, string? Failure, bool Permanent);
}
