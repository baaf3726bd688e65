using System.Diagnostics;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Events;
using ActorNas.Core.Evolution;

namespace ActorNas.Benchmarks;

/// <summary>
/// The baseline: the same decisions the Population makes, folded in one thread with no actors and no persistence.
/// W simulated workers keep W candidates in flight; the oldest finishes first, then its worker asks again.
/// </summary>
internal static class PlainLoop
{
    public sealed record Result(int Evaluated, TimeSpan Elapsed)
    {
        public double PerSecond => Evaluated / Elapsed.TotalSeconds;
    }

    /// <param name="onEvent">Sees every event in log order (to feed the SQLite limit); leave null when timing.</param>
    public static Result Run(SearchConfig config, long landscapeSeed, int workers, Action<ISearchEvent>? onEvent = null)
    {
        var state = new SearchState();
        var landscape = new SyntheticLandscape(config.Space.Create(), landscapeSeed);
        var idle = new Queue<string>(Enumerable.Range(0, workers).Select(BenchSettings.WorkerName));
        var running = new Queue<(string Worker, Candidate Candidate, DateTimeOffset StartedAt)>();

        void Apply(IReadOnlyList<ISearchEvent> events)
        {
            foreach (var e in events)
            {
                state.Apply(e);
                onEvent?.Invoke(e);
            }
        }

        var clock = Stopwatch.StartNew();
        Apply(state.Start(config, DateTimeOffset.UtcNow));
        while (!state.IsCompleted)
        {
            while (idle.Count > 0 && TryAssign(state, idle.Peek(), Apply) is { } candidate)
                running.Enqueue((idle.Dequeue(), candidate, DateTimeOffset.UtcNow));
            if (!running.TryDequeue(out var job))
                throw new InvalidOperationException("the plain loop stalled: no work in flight and none to hand out");

            var score = landscape.Score(job.Candidate.Genotype);
            Apply(state.Complete(job.Candidate.Id, new EvaluationResult(score), job.StartedAt, DateTimeOffset.UtcNow,
                job.Worker, BenchSettings.Node));
            idle.Enqueue(job.Worker);
        }
        return new Result(state.Evaluated, clock.Elapsed);
    }

    /// <summary>Work for a worker, mutating in place where the Population would ask a Mutator; null when there is none now.</summary>
    private static Candidate? TryAssign(SearchState state, string worker, Action<IReadOnlyList<ISearchEvent>> apply)
    {
        switch (state.Assign(worker, BenchSettings.Node, DateTimeOffset.UtcNow))
        {
            case AssignCandidate assign:
                apply(assign.Events);
                return assign.Candidate;
            case MutationNeeded need:
                var (child, mutation) = state.MutateFor(need.Reservation);
                if (state.CompleteProposal(need.Reservation, child, mutation, DateTimeOffset.UtcNow) is not { } proposal) return null;
                apply(proposal.Events);
                return proposal.Candidate;
            default:   // NoWorkNow, SearchFinished
                return null;
        }
    }
}
