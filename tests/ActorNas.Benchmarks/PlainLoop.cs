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
    /// <param name="score">The evaluation; null: the synthetic landscape of <paramref name="landscapeSeed"/>.</param>
    public static Result Run(SearchSettings config, long landscapeSeed, int workers, Action<ISearchEvent>? onEvent = null,
        Func<Core.Genotype, double>? score = null)
    {
        var state = new SearchState();
        var landscape = new SyntheticLandscape(config.Space.Create(), landscapeSeed);
        score ??= landscape.Score;
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
        Apply(state.Decide(new StartSearch(config, DateTimeOffset.UtcNow)).Events);
        while (!state.IsCompleted)
        {
            // a tournament's child is drawn here at once, where the Population would ask a Mutator
            while (idle.Count > 0 && state.Decide(new AssignWork(idle.Peek(), BenchSettings.Node, DateTimeOffset.UtcNow, DrawChildHere: true))
                is AssignCandidate assign)
            {
                Apply(assign.Events);
                running.Enqueue((idle.Dequeue(), assign.Candidate, DateTimeOffset.UtcNow));
            }
            if (!running.TryDequeue(out var job))
                throw new InvalidOperationException("the plain loop stalled: no work in flight and none to hand out");

            var objective = score(job.Candidate.Genotype);
            Apply(state.Decide(new RecordResult(job.Candidate.Id, new EvaluationResult(objective), job.StartedAt, DateTimeOffset.UtcNow,
                job.Worker, BenchSettings.Node)).Events);
            idle.Enqueue(job.Worker);
        }
        return new Result(state.Evaluated, clock.Elapsed);
    }
}
