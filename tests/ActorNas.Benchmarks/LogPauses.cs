using ActorNas.Core.Events;

namespace ActorNas.Benchmarks;

/// <summary>
/// Stretches of a run in which the Population decided nothing, found as gaps between the timestamps of its events.
/// With a zero-duration evaluator the pipeline never idles by itself, so a long gap is a stalled journal write.
/// </summary>
internal static class LogPauses
{
    public sealed record Result(int Count, TimeSpan Total, TimeSpan Longest);

    public static Result Find(IEnumerable<ISearchEvent> log, TimeSpan threshold)
    {
        var times = log.Select(TimeOf).OfType<DateTimeOffset>().Order().ToList();
        var gaps = times.Zip(times.Skip(1), (a, b) => b - a).Where(g => g >= threshold).ToList();
        return new Result(gaps.Count, TimeSpan.FromTicks(gaps.Sum(g => g.Ticks)), gaps.Count == 0 ? TimeSpan.Zero : gaps.Max());
    }

    private static DateTimeOffset? TimeOf(ISearchEvent e) => e switch
    {
        CandidateProposed p => p.At,
        CandidateStarted s => s.At,
        CandidateEvaluated v => v.FinishedAt,
        CandidateRetired r => r.At,
        _ => null,   // SearchStarted is decided before the journal's first write; SearchCompleted adds nothing
    };
}
