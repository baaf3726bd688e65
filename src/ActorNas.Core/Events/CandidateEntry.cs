using ActorNas.Core.Evolution;

namespace ActorNas.Core.Events;

/// <summary>
/// A candidate's record as <see cref="CandidateTrace"/> keeps it: changed in place by each event (a record copied per
/// event leaves its old copies to the collector) and compact: times as clock ticks and offset minutes, absent values as
/// sentinels and flags, about 144 bytes against the 216 of a <see cref="CandidateRecord"/>, whose copy it makes on demand.
/// </summary>
internal sealed class CandidateEntry
{
    private const long Absent = long.MinValue;

    private long _parentId = Absent;
    private long _proposedTicks, _startedTicks = Absent, _finishedTicks = Absent, _retiredTicks = Absent;
    private short _proposedOffset, _startedOffset, _finishedOffset, _retiredOffset;
    private double _objective;
    private bool _hasObjective;
    private sbyte _cacheHit = -1;   // -1: not reported

    public CandidateEntry(CandidateProposed p)
    {
        Id = p.Id;
        _parentId = p.ParentId ?? Absent;
        Genotype = p.Genotype;
        Mutation = p.Mutation;
        Set(p.At, ref _proposedTicks, ref _proposedOffset);
    }

    public long Id { get; }
    public Genotype Genotype { get; }
    public Mutation? Mutation { get; }
    public string? Worker { get; private set; }
    public string? Node { get; private set; }
    public IReadOnlyDictionary<string, double>? Metrics { get; private set; }
    public string? LastFailure { get; private set; }
    public int Starts { get; private set; }
    public int FailedAttempts { get; private set; }
    public int TransferredLayers { get; private set; }
    public CandidateStatus Status { get; private set; }

    public void Started(CandidateStarted s)
    {
        Set(s.At, ref _startedTicks, ref _startedOffset);
        Worker = s.Worker;
        Node = s.Node;
        Starts++;
    }

    public void Evaluated(CandidateEvaluated v)
    {
        _objective = v.Objective;
        _hasObjective = true;
        Metrics = v.Metrics;
        Set(v.StartedAt, ref _startedTicks, ref _startedOffset);
        Set(v.FinishedAt, ref _finishedTicks, ref _finishedOffset);
        Worker = v.Worker;
        Node = v.Node;
        Status = CandidateStatus.Evaluated;
        TransferredLayers = v.TransferredLayers;
        _cacheHit = v.CacheHit switch { null => -1, true => 1, false => 0 };
    }

    public void Failed(CandidateFailed f)
    {
        FailedAttempts = f.Attempt;
        LastFailure = f.Reason;
        if (!f.Final) return;
        Status = CandidateStatus.Failed;
        Set(f.At, ref _finishedTicks, ref _finishedOffset);
    }

    public void Cancelled(CandidateCancelled c)
    {
        Status = CandidateStatus.Cancelled;
        Set(c.At, ref _finishedTicks, ref _finishedOffset);
    }

    public void Retired(CandidateRetired r) => Set(r.At, ref _retiredTicks, ref _retiredOffset);

    public CandidateRecord ToRecord() => new()
    {
        Id = Id,
        ParentId = _parentId == Absent ? null : _parentId,
        Genotype = Genotype,
        Mutation = Mutation,
        ProposedAt = At(_proposedTicks, _proposedOffset)!.Value,
        StartedAt = At(_startedTicks, _startedOffset),
        FinishedAt = At(_finishedTicks, _finishedOffset),
        Worker = Worker,
        Node = Node,
        Starts = Starts,
        FailedAttempts = FailedAttempts,
        Objective = _hasObjective ? _objective : null,
        Metrics = Metrics,
        TransferredLayers = TransferredLayers,
        CacheHit = _cacheHit < 0 ? null : _cacheHit == 1,
        LastFailure = LastFailure,
        Status = Status,
        RetiredAt = At(_retiredTicks, _retiredOffset),
    };

    private static void Set(DateTimeOffset at, ref long ticks, ref short offset)
    {
        ticks = at.Ticks;
        offset = (short)at.Offset.TotalMinutes;
    }

    private static DateTimeOffset? At(long ticks, short offset) =>
        ticks == Absent ? null : new DateTimeOffset(ticks, TimeSpan.FromMinutes(offset));
}
