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
/// of a tree node (a log out of order still works, each proposal inserting where it belongs).
/// </remarks>
public sealed class CandidateTrace
{
    private readonly List<CandidateRecord> _records = [];

    public SearchStarted? Started { get; private set; }
    public SearchCompleted? Completed { get; private set; }
    public IReadOnlyCollection<CandidateRecord> Records => _records;

    /// <summary>Whether the trace holds a record of candidate <paramref name="id"/> (it saw its proposal).</summary>
    public bool Contains(long id) => IndexOf(id) >= 0;

    /// <summary>The record of candidate <paramref name="id"/>, when the trace holds one.</summary>
    public bool TryGet(long id, out CandidateRecord record)
    {
        var index = IndexOf(id);
        record = index >= 0 ? _records[index] : null!;
        return index >= 0;
    }

    public void Apply(ISearchEvent e)
    {
        switch (e)
        {
            case SearchStarted s: Started = s; break;
            case SearchCompleted c: Completed = c; break;
            case CandidateProposed p:
                var proposed = new CandidateRecord { Id = p.Id, ParentId = p.ParentId, Genotype = p.Genotype, Mutation = p.Mutation, ProposedAt = p.At };
                var at = IndexOf(p.Id);
                if (at >= 0) _records[at] = proposed;
                else _records.Insert(~at, proposed);
                break;
            case CandidateStarted s:
                Update(s.Id, r => r with { StartedAt = s.At, Worker = s.Worker, Node = s.Node, Starts = r.Starts + 1 });
                break;
            case CandidateEvaluated v:
                Update(v.Id, r => r with
                {
                    Objective = v.Objective, Metrics = v.Metrics, StartedAt = v.StartedAt, FinishedAt = v.FinishedAt,
                    Worker = v.Worker, Node = v.Node, Status = CandidateStatus.Evaluated,
                    TransferredLayers = v.TransferredLayers, CacheHit = v.CacheHit,
                });
                break;
            case CandidateFailed f:
                Update(f.Id, r => r with
                {
                    FailedAttempts = f.Attempt, LastFailure = f.Reason,
                    Status = f.Final ? CandidateStatus.Failed : r.Status, FinishedAt = f.Final ? f.At : r.FinishedAt,
                });
                break;
            case CandidateCancelled x:
                Update(x.Id, r => r with { Status = CandidateStatus.Cancelled, FinishedAt = x.At });
                break;
            case CandidateRetired r:
                Update(r.Id, c => c with { RetiredAt = r.At });
                break;
            case CandidateReleased:
                break;
        }
    }

    private void Update(long id, Func<CandidateRecord, CandidateRecord> change)
    {
        var index = IndexOf(id);
        if (index >= 0) _records[index] = change(_records[index]);
    }

    /// <summary>The index of candidate <paramref name="id"/>'s record, or the complement of where it would go.</summary>
    private int IndexOf(long id)
    {
        // the newest candidates are the ones events name most: past the last record is the common miss
        if (_records.Count == 0 || _records[^1].Id < id) return ~_records.Count;
        int low = 0, high = _records.Count - 1;
        while (low <= high)
        {
            var middle = low + (high - low) / 2;
            var at = _records[middle].Id;
            if (at == id) return middle;
            if (at < id) low = middle + 1;
            else high = middle - 1;
        }
        return ~low;
    }
}
