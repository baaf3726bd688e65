using ActorNas.Core.Events;

namespace ActorNas.Core.Evolution;

/// <summary>
/// When each worker's current candidate began, folded from the same events as <see cref="SearchState"/>. A lease that
/// runs past its timeout marks a worker that may be gone without anyone noticing (a lost message, a hung evaluator):
/// the second guard behind death watch. A worker evaluates its candidates in the order they were handed to it, so only
/// its oldest is running; its lease runs from that candidate's start, or from the moment the worker's previous
/// candidate ended when it waited in the lookahead behind it. Not part of the snapshot: after recovery nothing is running.
/// </summary>
public sealed class LeaseBook
{
    private readonly Dictionary<long, (string Worker, DateTimeOffset Since, long Order)> _running = [];
    private readonly Dictionary<string, DateTimeOffset> _lastEnded = [];   // worker -> when its latest candidate ended
    private readonly Dictionary<string, int> _held = [];                  // worker -> candidates it holds
    private long _order;

    public int Count => _running.Count;

    public void Apply(ISearchEvent e)
    {
        switch (e)
        {
            case CandidateStarted s:
                End(s.Id, s.At, ended: false);   // a re-issue: the candidate moves to its new worker
                _running[s.Id] = (s.Worker, s.At, ++_order);
                _held[s.Worker] = _held.GetValueOrDefault(s.Worker) + 1;
                break;
            case CandidateEvaluated v:
                End(v.Id, v.FinishedAt);
                break;
            case CandidateFailed f:
                End(f.Id, f.At);
                break;
            case CandidateReleased r:
                End(r.Id, r.At);
                break;
            case CandidateCancelled c:
                End(c.Id, c.At);
                break;
            case SearchCompleted:
                _running.Clear();
                _lastEnded.Clear();
                _held.Clear();
                break;
        }
    }

    private void End(long id, DateTimeOffset at, bool ended = true)
    {
        if (!_running.Remove(id, out var lease)) return;
        var left = _held[lease.Worker] - 1;
        if (left == 0)
        {
            _held.Remove(lease.Worker);
            _lastEnded.Remove(lease.Worker);
            return;
        }
        _held[lease.Worker] = left;
        if (ended && (!_lastEnded.TryGetValue(lease.Worker, out var last) || at > last)) _lastEnded[lease.Worker] = at;
    }

    /// <summary>The workers whose current candidate has run for longer than <paramref name="timeout"/>, each once, in candidate order.</summary>
    public IReadOnlyList<string> Expired(DateTimeOffset now, TimeSpan timeout) =>
        _running.GroupBy(kv => kv.Value.Worker)
            .Select(g => (Worker: g.Key, Current: g.MinBy(kv => kv.Value.Order)))
            .Where(w => now - Since(w.Worker, w.Current.Value.Since) > timeout)
            .OrderBy(w => w.Current.Key).Select(w => w.Worker).ToList();

    private DateTimeOffset Since(string worker, DateTimeOffset started) =>
        _lastEnded.TryGetValue(worker, out var ended) && ended > started ? ended : started;
}
