using ActorNas.Core.Evolution;

namespace ActorNas.Core.Events;

/// <summary>Everything the log says about one candidate.</summary>
public sealed record CandidateRecord
{
    public required long Id { get; init; }
    public long? ParentId { get; init; }
    public required Genotype Genotype { get; init; }
    public Mutation? Mutation { get; init; }
    public DateTimeOffset ProposedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public string? Worker { get; init; }
    public string? Node { get; init; }
    /// <summary>How many times a worker took it (more than one after failures or re-issues).</summary>
    public int Starts { get; init; }
    public int FailedAttempts { get; init; }
    public double? Objective { get; init; }
    public IReadOnlyDictionary<string, double>? Metrics { get; init; }
    /// <summary>Layers the evaluator took from elsewhere instead of training them (weight transfer).</summary>
    public int TransferredLayers { get; init; }
    public bool? CacheHit { get; init; }
    public string? LastFailure { get; init; }
    public CandidateStatus Status { get; init; }
    public DateTimeOffset? RetiredAt { get; init; }
}

/// <summary>Cancelled: still pending when the budget was reached (<see cref="CandidateCancelled"/>).</summary>
public enum CandidateStatus { Pending, Evaluated, Failed, Cancelled }

/// <summary>Folds a log into one record per candidate (for export and analysis), in id order.</summary>
/// <remarks>
/// The records are a list kept in id order and found by binary search: the Population proposes candidates in
/// increasing id order, so each proposal appends, and a long search's million records cost one reference each instead
/// of a tree node (a log out of order still works, each proposal inserting where it belongs). Each is kept compact and
/// changed in place (<see cref="CandidateEntry"/>); <see cref="Records"/> and <see cref="TryGet"/> hand out
/// <see cref="CandidateRecord"/> copies made as they are read.
/// </remarks>
public sealed class CandidateTrace
{
    private readonly List<CandidateEntry> _entries = [];

    public CandidateTrace() => Records = new RecordView(_entries);

    public SearchStarted? Started { get; private set; }
    public SearchCompleted? Completed { get; private set; }

    /// <summary>The records in id order, each made as it is enumerated (enumerate once where you can).</summary>
    public IReadOnlyCollection<CandidateRecord> Records { get; }

    /// <summary>Whether the trace holds a record of candidate <paramref name="id"/> (it saw its proposal).</summary>
    public bool Contains(long id) => IndexOf(id) >= 0;

    /// <summary>The record of candidate <paramref name="id"/>, when the trace holds one.</summary>
    public bool TryGet(long id, out CandidateRecord record)
    {
        var index = IndexOf(id);
        record = index >= 0 ? _entries[index].ToRecord() : null!;
        return index >= 0;
    }

    /// <summary>Candidate <paramref name="id"/>'s evaluator metrics, when the trace holds its record (no copy is made).</summary>
    public IReadOnlyDictionary<string, double>? MetricsOf(long id) => IndexOf(id) is var index and >= 0 ? _entries[index].Metrics : null;

    /// <summary>How many candidates have <paramref name="status"/> (no copies are made).</summary>
    public int CountWith(CandidateStatus status) => _entries.Count(e => e.Status == status);

    public void Apply(ISearchEvent e)
    {
        switch (e)
        {
            case SearchStarted s: Started = s; break;
            case SearchCompleted c: Completed = c; break;
            case CandidateProposed p:
                var proposed = new CandidateEntry(p);
                var at = IndexOf(p.Id);
                if (at >= 0) _entries[at] = proposed;
                else _entries.Insert(~at, proposed);
                break;
            case CandidateStarted s:
                Find(s.Id)?.Started(s);
                break;
            case CandidateEvaluated v:
                Find(v.Id)?.Evaluated(v);
                break;
            case CandidateFailed f:
                Find(f.Id)?.Failed(f);
                break;
            case CandidateCancelled x:
                Find(x.Id)?.Cancelled(x);
                break;
            case CandidateRetired r:
                Find(r.Id)?.Retired(r);
                break;
            case CandidateReleased:
                break;
        }
    }

    private CandidateEntry? Find(long id) => IndexOf(id) is var index and >= 0 ? _entries[index] : null;

    /// <summary>The index of candidate <paramref name="id"/>'s record, or the complement of where it would go.</summary>
    private int IndexOf(long id)
    {
        // the newest candidates are the ones events name most: past the last record is the common miss
        if (_entries.Count == 0 || _entries[^1].Id < id) return ~_entries.Count;
        int low = 0, high = _entries.Count - 1;
        while (low <= high)
        {
            var middle = low + (high - low) / 2;
            var at = _entries[middle].Id;
            if (at == id) return middle;
            if (at < id) low = middle + 1;
            else high = middle - 1;
        }
        return ~low;
    }

    /// <summary>The entries as records, copied one at a time as they are enumerated.</summary>
    private sealed class RecordView(List<CandidateEntry> entries) : IReadOnlyCollection<CandidateRecord>
    {
        public int Count => entries.Count;

        public IEnumerator<CandidateRecord> GetEnumerator()
        {
            foreach (var entry in entries) yield return entry.ToRecord();
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
