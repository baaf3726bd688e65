using ActorNas.Core.Events;

namespace ActorNas.Core.Evolution;

/// <summary>
/// When each running candidate was handed out, folded from the same events as <see cref="SearchState"/>. A lease that
/// runs past its timeout marks a worker that may be gone without anyone noticing (a lost message, a hung evaluator):
/// the second guard behind death watch. Not part of the snapshot: after recovery nothing is running.
/// </summary>
public sealed class LeaseBook
{
    private readonly Dictionary<long, (string Worker, DateTimeOffset Since)> _running = [];

    public int Count => _running.Count;

    public void Apply(ISearchEvent e)
    {
        switch (e)
        {
            case CandidateStarted s:
                _running[s.Id] = (s.Worker, s.At);
                break;
            case CandidateEvaluated v:
                _running.Remove(v.Id);
                break;
            case CandidateFailed f:
                _running.Remove(f.Id);
                break;
            case CandidateReleased r:
                _running.Remove(r.Id);
                break;
            case SearchCompleted:
                _running.Clear();
                break;
        }
    }

    /// <summary>The workers holding a candidate for longer than <paramref name="timeout"/>, each once, in candidate order.</summary>
    public IReadOnlyList<string> Expired(DateTimeOffset now, TimeSpan timeout) =>
        _running.Where(kv => now - kv.Value.Since > timeout).OrderBy(kv => kv.Key).Select(kv => kv.Value.Worker).Distinct().ToList();
}
