using ActorNas.Actors.Configuration;
using ActorNas.Core.Events;

namespace ActorNas.Benchmarks;

/// <summary>
/// How busy the evaluator slots are kept: the summed evaluation time over (slots x the wall time from the first
/// start to the last finish), from the log's CandidateEvaluated timings. Evaluations take real time here
/// (log-normal, mean 20 ms), so the gaps between them are what the orchestration costs.
/// </summary>
internal static class Utilization
{
    /// <param name="Measured">From each evaluation's StartedAt/FinishedAt as the evaluator slot recorded them.</param>
    /// <param name="Nominal">From the durations the synthetic evaluator drew (metric durationMs): on a saturated
    /// machine timers fire late, which stretches the measured durations and flatters <paramref name="Measured"/>.</param>
    /// <param name="Steady">Measured, up to the last start only: after it slots idle because the budget is in flight
    /// (the ramp-down tail, about one evaluation per slot), so this is what the orchestration itself leaves unused.</param>
    /// <param name="Ideal">The same measured durations list-scheduled with zero overhead on as many slots (<see cref="IdealSchedule"/>):
    /// <c>Measured / Ideal.Whole</c> and <c>Steady / Ideal.Steady</c> are how close the run came to its limit.</param>
    /// <param name="Lookahead">actornas.evaluator.lookahead of the run.</param>
    public sealed record Result(string Mode, PersistenceProvider Journal, double Measured, double Nominal, double Steady,
        int Evaluations, TimeSpan Wall, TimeSpan MeanDuration, IdealSchedule.Result Ideal, int Lookahead)
    {
        /// <summary>This process's CPU time from the search's start to its completion, per evaluation: what the
        /// orchestration costs (the synthetic evaluator only sleeps), and, against the wall time, whether the cores are the limit.</summary>
        public double CpuMsPerEvaluation { get; init; } = double.NaN;

        public double OfIdeal => Measured / Ideal.Whole;
        public double SteadyOfIdeal => Steady / Ideal.Steady;
    }

    private const string Evaluator = """
        actornas.evaluator.synthetic.duration = lognormal
        actornas.evaluator.synthetic.mean = 20ms
        actornas.evaluator.synthetic.sigma = 0.5
        """;

    /// <param name="mode">continuous or batch (batch size: the worker count).</param>
    public static async Task<Result> MeasureAsync(string mode, PersistenceProvider journal, int budget, string dbPath, int lookahead)
    {
        var config = BenchSettings.For(budget, dbPath, $"actornas.search.mode = {mode}\nactornas.evaluator.lookahead = {lookahead}\n{Evaluator}");
        var run = await ActorSearch.RunAsync(config, journal, $"utilization-{mode}", readLog: true);
        return Of(mode, journal, run.Log.OfType<CandidateEvaluated>().ToList(), lookahead) with
        {
            CpuMsPerEvaluation = run.Cpu.TotalMilliseconds / run.Status.Evaluated,
        };
    }

    private static Result Of(string mode, PersistenceProvider journal, IReadOnlyList<CandidateEvaluated> evaluations, int lookahead)
    {
        if (evaluations.Count == 0) throw new InvalidOperationException($"the {mode} run logged no evaluations");
        var busy = TimeSpan.FromTicks(evaluations.Sum(e => (e.FinishedAt - e.StartedAt).Ticks));
        var drawn = TimeSpan.FromMilliseconds(evaluations.Sum(e => e.Metrics?.GetValueOrDefault("durationMs") ?? 0));
        var first = evaluations.Min(e => e.StartedAt);
        var wall = evaluations.Max(e => e.FinishedAt) - first;
        var capacity = BenchSettings.Workers * wall;
        var lastStart = evaluations.Max(e => e.StartedAt);
        var busyBeforeLastStart = TimeSpan.FromTicks(evaluations.Sum(e => Math.Max(0, (Min(e.FinishedAt, lastStart) - e.StartedAt).Ticks)));
        var steady = lastStart > first ? busyBeforeLastStart / (BenchSettings.Workers * (lastStart - first)) : double.NaN;
        var ideal = IdealSchedule.Of(evaluations.OrderBy(e => e.StartedAt).Select(e => e.FinishedAt - e.StartedAt).ToList(), BenchSettings.Workers);
        return new Result(mode, journal, busy / capacity, drawn / capacity, steady, evaluations.Count, wall, busy / evaluations.Count, ideal, lookahead);
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
