using ActorNas.Core.Caching;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Events;
using ActorNas.Core.Spaces;

namespace ActorNas.Core.Evolution;

/// <summary>An evaluated candidate in the population.</summary>
/// <param name="Node">The node that evaluated it, whose weight cache took its layers (null in snapshots written before nodes were kept).</param>
public sealed record Member(long Id, Genotype Genotype, double Objective, string? Node = null);

/// <summary>A proposed candidate that has no final outcome yet: queued, or running on a worker.</summary>
/// <param name="ParentNode">The node that evaluated the parent (see <see cref="Candidate.ParentNode"/>).</param>
/// <param name="StartedAt">When its current attempt was handed out (null while queued, and in snapshots of older versions).</param>
public sealed record PendingCandidate(long Id, long? ParentId, Genotype Genotype, int FailedAttempts, string? Worker, string? Node,
    string? ParentNode = null, DateTimeOffset? StartedAt = null)
{
    public bool IsRunning => Worker is not null;
}

/// <summary>
/// Regularized (aging) Evolution as a deterministic state machine. <see cref="Decide"/> answers every command
/// (<see cref="ISearchCommand"/>) with a <see cref="Decision"/>: events, and what the caller does next;
/// <see cref="Apply"/> is the one place that changes the state. Every random draw is recorded in the event that
/// results from it, so folding <see cref="Apply"/> over a log rebuilds exactly the state that wrote it.
/// The state holds only what the next decision needs; the history is the log.
/// </summary>
public sealed class SearchState
{
    private readonly List<Member> _population = [];                  // oldest first
    private readonly Dictionary<long, PendingCandidate> _pending = [];
    private readonly SortedSet<long> _queued = [];                   // pending and not running, lowest id first
    private readonly Dictionary<string, SortedSet<long>> _runningOn = [];   // worker -> the candidates it holds (Release without a scan)
    private readonly Dictionary<long, Reservation> _reservations = [];
    private readonly Dictionary<string, int> _holding = [];   // worker -> candidates it holds plus reservations made for it
    private long _nextReservationId;
    private CacheLogSummary? _cache = new();   // null: restored from a snapshot that predates the totals
    private SearchSettings? _config;
    private ISearchSpace? _space;

    public SearchSettings Config => _config ?? throw new InvalidOperationException("the search has not started (no SearchStarted event)");
    public ISearchSpace Space => _space ?? throw new InvalidOperationException("the search has not started (no SearchStarted event)");
    public bool IsStarted => _config is not null;
    public DateTimeOffset StartedAt { get; private set; }
    public IReadOnlyList<Member> Population => _population;
    public IReadOnlyDictionary<long, PendingCandidate> Pending => _pending;
    public IReadOnlyCollection<Reservation> Reservations => _reservations.Values;
    public long NextCandidateId { get; private set; } = 1;
    public int Proposed { get; private set; }
    public int Evaluated { get; private set; }
    public int FailedAttempts { get; private set; }
    public int FinalFailures { get; private set; }
    public int Retired { get; private set; }
    /// <summary>Pending candidates without a parent (warm-up); the population plus these reach P before tournaments start.</summary>
    public int RandomPending { get; private set; }
    public int BatchIndex { get; private set; }
    public int BatchProposed { get; private set; }
    public Member? Best { get; private set; }
    public bool IsCompleted => CompletionReason is not null;
    public string? CompletionReason { get; private set; }
    /// <summary>When the search completed (null while it runs; also after a restore from an older snapshot of a completed search).</summary>
    public DateTimeOffset? CompletedAt { get; private set; }
    public int Running => _pending.Count - _queued.Count;
    /// <summary>Workers that hold a candidate or a reservation: in continuous mode, what is in flight against the budget
    /// (a worker's lookahead waits behind the candidate it evaluates).</summary>
    public int Holders => _holding.Count;
    /// <summary>The candidates <paramref name="worker"/> holds (evaluating and queued in its lookahead) plus the reservations made for it.</summary>
    public int Holding(string worker) => _holding.GetValueOrDefault(worker);
    /// <summary>
    /// Whether a slot that holds up to <paramref name="capacity"/> candidates (the one it evaluates and its lookahead)
    /// takes another: in batch mode a slot holds one, whatever its lookahead (a batch waits by definition).
    /// </summary>
    public bool HasRoom(string worker, int capacity) => Holding(worker) < (Config.Mode == SchedulingMode.Batch ? 1 : capacity);
    /// <summary>Paused by the search's owner: no work is handed out until it resumes.</summary>
    public bool IsPaused { get; private set; }
    /// <summary>How long the most recent successful evaluations took (time limits and warnings, <see cref="EvaluationLimits"/>).</summary>
    public DurationWindow RecentDurations { get; private set; } = new();

    /// <summary>
    /// Weight-cache totals per node over every evaluation (for `actornas status`; no decision reads them, but the log only
    /// gives them by reading every event, so snapshots carry them). Null after a restore from a snapshot that predates them.
    /// </summary>
    public IReadOnlyCollection<NodeCacheSummary>? CacheByNode => _cache?.Nodes;

    /// <summary>The limit of `timeout = auto` now (null while there are too few results to judge).</summary>
    public TimeSpan? AutoTimeout => EvaluationLimits.AutoTimeout(RecentDurations);

    /// <summary>
    /// Running candidates that have run past <see cref="EvaluationLimits.WarnAfter"/> at <paramref name="now"/>, oldest
    /// first; none while there are too few results to know what is normal.
    /// </summary>
    public IReadOnlyList<PendingCandidate> Overdue(DateTimeOffset now) =>
        EvaluationLimits.WarnAfter(RecentDurations) is not { } limit ? []
            : _pending.Values.Where(p => p.StartedAt is { } at && now - at > limit).OrderBy(p => p.StartedAt).ToList();

    /// <summary>The <paramref name="count"/> running candidates that have run longest, oldest first.</summary>
    public IReadOnlyList<PendingCandidate> LongestRunning(int count) =>
        _pending.Values.Where(p => p.IsRunning).OrderBy(p => p.StartedAt ?? DateTimeOffset.MaxValue).ThenBy(p => p.Id).Take(count).ToList();

    // ---------------------------------------------------------------- decisions

    /// <summary>
    /// The one decision entry: what <paramref name="command"/> means for the search now. Nothing changes here but the
    /// in-memory reservations (<see cref="MutationNeeded"/>, <see cref="ProposeChild"/>, <see cref="CancelReservation"/>);
    /// the caller applies the decision's events with <see cref="Apply"/>, in order, before its next command.
    /// </summary>
    public Decision Decide(ISearchCommand command) => command switch
    {
        StartSearch c => Start(c),
        AssignWork c => Assign(c) switch
        {
            MutationNeeded need when c.DrawChildHere => Propose(new ProposeChild(need.Reservation.Id, c.At)),
            var decision => decision,
        },
        ProposeChild c => Propose(c),
        CancelReservation c => DropReservation(c.ReservationId) is not null ? new Accepted([])
            : new Rejected($"there is no reservation {c.ReservationId}"),
        RecordResult c => Complete(c),
        RecordFailure c => Fail(c, force: false),
        ReleaseWorker c => Release(_runningOn.GetValueOrDefault(c.Worker) ?? [], c.Reason, c.At),
        ReleaseNodeWork c => Release(_pending.Values.Where(p => p.Node == c.Node).Select(p => p.Id).Order(), c.Reason, c.At),
        ReleaseAllWork c => Release(_pending.Values.Where(p => p.IsRunning).Select(p => p.Id).Order(), c.Reason, c.At),
        PauseWork c => IsCompleted ? Over()
            : IsPaused ? new Rejected("the search is paused already") : new Accepted([new SearchPaused(c.Reason, c.At)]),
        ResumeWork c => IsCompleted ? Over()
            : !IsPaused ? new Rejected("the search is not paused") : new Accepted([new SearchResumed(c.At)]),
        EndSearch c => IsCompleted ? Over() : new Accepted([new SearchCompleted(StopReasonPrefix + c.Reason, c.At)]),
        _ => throw new ArgumentException($"unknown search command {command.GetType().Name}"),
    };

    public const string StopReasonPrefix = "stopped: ";

    private Rejected Over() => new($"the search has completed ({CompletionReason})");

    /// <summary>Sends the running candidates <paramref name="ids"/> back to the queue, lowest id first.</summary>
    private Decision Release(IEnumerable<long> ids, string reason, DateTimeOffset at) =>
        IsCompleted ? Over() : new Accepted(ids.Select(id => (ISearchEvent)new CandidateReleased(id, reason, at)).ToList());

    private Accepted Start(StartSearch c)
    {
        if (IsStarted) throw new InvalidOperationException("the search has already started");
        c.Config.Validate();
        return new Accepted([new SearchStarted(c.Config, c.At)]);
    }

    /// <summary>
    /// Work for a free worker: a queued candidate (re-issue first), a random one during warm-up, or a tournament's
    /// parent to mutate. Only a <see cref="MutationNeeded"/> changes the state (it holds a reservation).
    /// </summary>
    private Decision Assign(AssignWork c)
    {
        var config = Config;
        if (CompletionReason is { } reason) return new SearchFinished(reason);
        if (IsPaused) return new NoWorkNow("the search is paused");
        if (c.Capacity is { } capacity && !HasRoom(c.Worker, capacity)) return new SlotFull(c.Worker, Holding(c.Worker));

        if (_queued.Count > 0)
        {
            var queued = _pending[_queued.Min];
            var attempt = queued.FailedAttempts + 1;
            return new AssignCandidate(
                new Candidate(queued.Id, queued.ParentId, queued.Genotype, attempt, queued.ParentNode),
                [new CandidateStarted(queued.Id, c.Worker, c.Node, attempt, c.At)]);
        }

        if (Evaluated + InFlight() >= config.Budget) return new NoWorkNow("the rest of the budget is in flight");
        if (config.Mode == SchedulingMode.Batch && BatchProposed + _reservations.Count >= config.BatchSize)
            return new NoWorkNow("waiting for the batch to finish");

        var id = Math.Max(NextCandidateId, _nextReservationId);
        if (_population.Count + RandomPending < config.PopulationSize || _population.Count == 0)
        {
            var genotype = Space.Origin ?? Mutator.RandomGenotype(Space, DeterministicRandom.For(config.Seed, id, RandomPurpose.RandomGenotype));
            return new AssignCandidate(
                new Candidate(id, null, genotype, 1),
                [new CandidateProposed(id, null, genotype, null, null, BatchIndex, c.At), new CandidateStarted(id, c.Worker, c.Node, 1, c.At)]);
        }

        var tournament = Tournament(DeterministicRandom.For(config.Seed, id, RandomPurpose.Tournament));
        var parent = tournament.Winner;
        var reservation = new Reservation(id, parent.Id, parent.Genotype, tournament.Drawn, c.Worker, c.Node,
            ProxyModel.For(config.Screening, Space, _population), parent.Node);
        _reservations.Add(id, reservation);
        Hold(c.Worker);
        _nextReservationId = id + 1;
        return new MutationNeeded(reservation);
    }

    /// <summary>S members drawn without replacement (fewer while the population is smaller); the best wins, ties to the first drawn.</summary>
    private (IReadOnlyList<long> Drawn, Member Winner) Tournament(DeterministicRandom random)
    {
        var k = Math.Min(Config.SampleSize, _population.Count);
        var indices = random.SampleWithoutReplacement(_population.Count, k);
        var winner = _population[indices[0]];
        var drawn = new long[k];
        for (var i = 0; i < k; i++)
        {
            var m = _population[indices[i]];
            drawn[i] = m.Id;
            if (m.Objective > winner.Objective) winner = m;
        }
        return (drawn, winner);
    }

    /// <summary>Turns a reservation and its child (given, or drawn here) into the proposal and start events.</summary>
    private Decision Propose(ProposeChild c)
    {
        if (DropReservation(c.ReservationId) is not { } reservation)
            return new Rejected($"there is no reservation {c.ReservationId}: it was used or cancelled, or the search completed");
        if (IsCompleted) return Over();
        var child = c.Child ?? ChildProposer.FallbackChildOf(Config, Space, reservation.Id, reservation.Parent, reservation.Proxy);
        Space.Validate(child.Child);
        return new AssignCandidate(
            new Candidate(reservation.Id, reservation.ParentId, child.Child, 1, reservation.ParentNode),
            [
                new CandidateProposed(reservation.Id, reservation.ParentId, child.Child, child.Mutation, reservation.Tournament, BatchIndex, c.At,
                    child.Screened),
                new CandidateStarted(reservation.Id, reservation.Worker, reservation.Node, 1, c.At),
            ]);
    }

    /// <summary>A result: recorded once; a NaN or infinite objective is a failed attempt.</summary>
    private Decision Complete(RecordResult c)
    {
        if (IsCompleted) return Over();
        if (!_pending.ContainsKey(c.CandidateId)) return new Rejected($"candidate {c.CandidateId} is not pending (its result is in already)");
        if (!double.IsFinite(c.Result.Objective))
            return Fail(new RecordFailure(c.CandidateId, $"objective is {c.Result.Objective}", c.Worker, c.FinishedAt), force: true);
        if (c.Result.Revised is { } revised && RevisionProblem(revised) is { } problem)
            return Fail(new RecordFailure(c.CandidateId, $"the evaluator's revised genotype is not one of the space's: {problem}", c.Worker, c.FinishedAt), force: true);

        var events = new List<ISearchEvent>(3);
        // the oldest retires before the result joins, so the population never holds more than P, not even between two events
        if (_population.Count + 1 > Config.PopulationSize) events.Add(new CandidateRetired(_population[0].Id, c.FinishedAt));
        events.Add(new CandidateEvaluated(c.CandidateId, c.Result.Objective, c.Result.Metrics, c.StartedAt, c.FinishedAt, c.Worker, c.Node,
            c.Result.TransferredLayers, c.Result.CacheHit, c.Result.Revised));
        if (Evaluated + 1 >= Config.Budget) events.AddRange(Completion(c.FinishedAt, except: c.CandidateId));
        return new Accepted(events);
    }

    private string? RevisionProblem(Genotype revised)
    {
        try
        {
            Space.Validate(revised);
            return null;
        }
        catch (GenotypeFormatException e)
        {
            return e.Message;
        }
    }

    /// <param name="force">A NaN result: the attempt fails whoever reports it.</param>
    private Decision Fail(RecordFailure c, bool force)
    {
        if (IsCompleted) return Over();
        if (!_pending.TryGetValue(c.CandidateId, out var pending)) return new Rejected($"candidate {c.CandidateId} is not pending");
        if (!force && pending.Worker != c.Worker)
            return new Rejected($"candidate {c.CandidateId} is held by {pending.Worker ?? "no worker"}, not {c.Worker}");
        var attempt = pending.FailedAttempts + 1;
        var final = c.Permanent || attempt >= Config.MaxAttempts;
        var events = new List<ISearchEvent>(2) { new CandidateFailed(c.CandidateId, c.Reason, attempt, final, c.Worker, c.At) };
        if (final && FinalFailures + 1 >= Config.MaxFailures) events.Add(new SearchCompleted("failure-limit", c.At));
        return new Accepted(events);
    }

    /// <summary>
    /// The completion a log cut short lacks. One decision persists its events together (a result, then the search's
    /// completion when it used the last of the budget), so a log written by the Population never ends between them;
    /// a log repaired to the events before an unreadable one can. Nothing when the state needs nothing.
    /// </summary>
    public IReadOnlyList<ISearchEvent> Settle(DateTimeOffset now) =>
        !IsStarted || IsCompleted ? []
        : Evaluated >= Config.Budget ? Completion(now, except: null)
        : FinalFailures >= Config.MaxFailures ? [new SearchCompleted("failure-limit", now)]
        : [];

    /// <summary>
    /// What counts against the budget before another candidate is proposed. Batch mode: every pending candidate and
    /// reservation. Continuous mode: candidates waiting to be handed out again, plus one per worker that holds any,
    /// because a worker's lookahead only starts after the candidate it evaluates; lookahead still queued when the
    /// budget is reached is cancelled (<see cref="Completion"/>).
    /// </summary>
    private int InFlight() => Config.Mode == SchedulingMode.Batch ? _pending.Count + _reservations.Count : _queued.Count + _holding.Count;

    public const string BudgetReachedReason = "the budget is reached";

    /// <summary>The budget is reached: every other pending candidate is cancelled (lowest id first), then the search completes.</summary>
    private IReadOnlyList<ISearchEvent> Completion(DateTimeOffset at, long? except) =>
    [
        .. _pending.Keys.Where(id => id != except).Order().Select(id => (ISearchEvent)new CandidateCancelled(id, BudgetReachedReason, at)),
        new SearchCompleted("budget", at),
    ];

    private Reservation? DropReservation(long id)
    {
        if (!_reservations.Remove(id, out var reservation)) return null;
        Unhold(reservation.Worker);
        return reservation;
    }

    private void Hold(string worker) => _holding[worker] = _holding.GetValueOrDefault(worker) + 1;

    private void Unhold(string worker)
    {
        if (!_holding.TryGetValue(worker, out var count)) return;
        if (count <= 1) _holding.Remove(worker);
        else _holding[worker] = count - 1;
    }

    // ---------------------------------------------------------------- the fold

    public void Apply(ISearchEvent e)
    {
        switch (e)
        {
            case SearchStarted s:
                if (IsStarted) throw Corrupt(e, "a second SearchStarted");
                _config = s.Config;
                _space = s.Config.Space.Create();
                StartedAt = s.At;
                break;
            case CandidateProposed p:
                if (!IsStarted) throw Corrupt(e, "no SearchStarted before it");
                if (_pending.ContainsKey(p.Id) || p.Id < 1) throw Corrupt(e, $"candidate {p.Id} proposed twice");
                DropReservation(p.Id);
                if (Config.Mode == SchedulingMode.Batch) BatchProposed++;
                _pending[p.Id] = new PendingCandidate(p.Id, p.ParentId, p.Genotype, 0, null, null, NodeOf(p.ParentId));
                _queued.Add(p.Id);
                NextCandidateId = Math.Max(NextCandidateId, p.Id + 1);
                Proposed++;
                if (p.ParentId is null) RandomPending++;
                break;
            case CandidateStarted s:
                var starting = PendingOf(e, s.Id);
                Unassign(starting);
                _pending[s.Id] = starting with { Worker = s.Worker, Node = s.Node, StartedAt = s.At };
                Assign(s.Id, s.Worker);
                _queued.Remove(s.Id);
                break;
            case CandidateEvaluated v:
                var done = PendingOf(e, v.Id);
                Resolve(done);
                var member = new Member(v.Id, v.Revised ?? done.Genotype, v.Objective, v.Node);
                _population.Add(member);
                Evaluated++;
                if (Best is null || member.Objective > Best.Objective) Best = member;
                RecentDurations.Add(v.FinishedAt - v.StartedAt);
                _cache?.Add(v);
                break;
            case CandidateCancelled x:
                Resolve(PendingOf(e, x.Id));
                break;
            case CandidateRetired r:
                var index = _population.FindIndex(m => m.Id == r.Id);
                if (index < 0) throw Corrupt(e, $"candidate {r.Id} retired but not in the population");
                _population.RemoveAt(index);
                Retired++;
                break;
            case CandidateFailed f:
                var failed = PendingOf(e, f.Id);
                FailedAttempts++;
                if (f.Final)
                {
                    Resolve(failed);
                    FinalFailures++;
                }
                else
                {
                    Unassign(failed);
                    _pending[f.Id] = failed with { FailedAttempts = f.Attempt, Worker = null, Node = null, StartedAt = null };
                    _queued.Add(f.Id);
                }
                break;
            case CandidateReleased r:
                var released = PendingOf(e, r.Id);
                Unassign(released);
                _pending[r.Id] = released with { Worker = null, Node = null, StartedAt = null };
                _queued.Add(r.Id);
                break;
            case SearchCompleted c:
                CompletionReason = c.Reason;
                CompletedAt = c.At;
                foreach (var id in _reservations.Keys.ToList()) DropReservation(id);
                break;
            case SearchPaused:
                IsPaused = true;
                break;
            case SearchResumed:
                IsPaused = false;
                break;
            default:
                throw new ArgumentException($"unknown event type {e.GetType().Name}");
        }
    }

    /// <summary>A pending candidate reached its final outcome; in batch mode the batch closes when none is left.</summary>
    private void Resolve(PendingCandidate pending)
    {
        Unassign(pending);
        _pending.Remove(pending.Id);
        _queued.Remove(pending.Id);
        if (pending.ParentId is null) RandomPending--;
        if (Config.Mode == SchedulingMode.Batch && _pending.Count == 0 && BatchProposed >= Config.BatchSize)
        {
            BatchIndex++;
            BatchProposed = 0;
        }
    }

    /// <summary>Where a parent was evaluated, while it is a member (a proposal's parent is one, unless it just retired).</summary>
    private string? NodeOf(long? parentId) =>
        parentId is { } id ? _population.Find(m => m.Id == id)?.Node : null;

    private void Assign(long id, string worker)
    {
        if (!_runningOn.TryGetValue(worker, out var held)) _runningOn[worker] = held = [];
        if (held.Add(id)) Hold(worker);
    }

    private void Unassign(PendingCandidate pending)
    {
        if (pending.Worker is null || !_runningOn.TryGetValue(pending.Worker, out var held)) return;
        if (held.Remove(pending.Id)) Unhold(pending.Worker);
        if (held.Count == 0) _runningOn.Remove(pending.Worker);
    }

    private PendingCandidate PendingOf(ISearchEvent e, long id) =>
        _pending.TryGetValue(id, out var p) ? p : throw Corrupt(e, $"candidate {id} is not pending");

    private static InvalidOperationException Corrupt(ISearchEvent e, string what) =>
        new($"the search log is inconsistent at {e.GetType().Name}: {what}");

    public static SearchState Replay(IEnumerable<ISearchEvent> events)
    {
        var state = new SearchState();
        foreach (var e in events) state.Apply(e);
        return state;
    }

    // ---------------------------------------------------------------- snapshots

    public SearchSnapshot ToSnapshot() => new(
        Config, StartedAt, NextCandidateId, Proposed, Evaluated, FailedAttempts, FinalFailures, Retired,
        BatchIndex, BatchProposed, Best, CompletionReason, [.. _population],
        _pending.Values.OrderBy(p => p.Id).ToList(), IsPaused, RecentDurations.Oldest(), CompletedAt, _cache?.Nodes.ToList());

    public static SearchState FromSnapshot(SearchSnapshot s)
    {
        var state = new SearchState
        {
            _config = s.Config,
            _space = s.Config.Space.Create(),
            StartedAt = s.StartedAt,
            NextCandidateId = s.NextCandidateId,
            Proposed = s.Proposed,
            Evaluated = s.Evaluated,
            FailedAttempts = s.FailedAttempts,
            FinalFailures = s.FinalFailures,
            Retired = s.Retired,
            BatchIndex = s.BatchIndex,
            BatchProposed = s.BatchProposed,
            Best = s.Best,
            CompletionReason = s.CompletionReason,
            IsPaused = s.Paused,
            RecentDurations = DurationWindow.From(s.RecentDurationSeconds),
            CompletedAt = s.CompletedAt,
            _cache = s.Cache is null ? null : new CacheLogSummary(s.Cache),
        };
        state._population.AddRange(s.Population);
        foreach (var p in s.Pending)
        {
            state._pending[p.Id] = p;
            if (!p.IsRunning) state._queued.Add(p.Id);
            else state.Assign(p.Id, p.Worker!);
            if (p.ParentId is null) state.RandomPending++;
        }
        return state;
    }

    /// <summary>Two states are equal when their snapshots are (reservations are not part of the state).</summary>
    public bool SameAs(SearchState other) => ToSnapshot().Equivalent(other.ToSnapshot());
}
