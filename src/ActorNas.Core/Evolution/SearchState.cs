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
/// Regularized (aging) Evolution as a deterministic state machine. Decisions (<see cref="Start"/>, <see cref="Assign"/>,
/// <see cref="CompleteProposal"/>, <see cref="Complete"/>, <see cref="Fail"/>, <see cref="Release"/>) only return events;
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
    private long _nextReservationId;
    private SearchConfig? _config;
    private ISearchSpace? _space;

    public SearchConfig Config => _config ?? throw new InvalidOperationException("the search has not started (no SearchStarted event)");
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
    public int Running => _pending.Count - _queued.Count;
    /// <summary>Paused by the search's owner: no work is handed out until it resumes.</summary>
    public bool IsPaused { get; private set; }
    /// <summary>How long the most recent successful evaluations took (time limits and warnings, <see cref="EvaluationLimits"/>).</summary>
    public DurationWindow RecentDurations { get; private set; } = new();

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

    public IReadOnlyList<ISearchEvent> Start(SearchConfig config, DateTimeOffset now)
    {
        if (IsStarted) throw new InvalidOperationException("the search has already started");
        config.Validate();
        return [new SearchStarted(config, now)];
    }

    /// <summary>
    /// Work for a free worker: a queued candidate (re-issue first), a random one during warm-up, or a tournament's
    /// parent to mutate. Only a <see cref="MutationNeeded"/> changes the state (it holds a reservation).
    /// </summary>
    public Assignment Assign(string worker, string node, DateTimeOffset now)
    {
        var config = Config;
        if (CompletionReason is { } reason) return new SearchFinished(reason);
        if (IsPaused) return new NoWorkNow("the search is paused");

        if (_queued.Count > 0)
        {
            var queued = _pending[_queued.Min];
            var attempt = queued.FailedAttempts + 1;
            return new AssignCandidate(
                new Candidate(queued.Id, queued.ParentId, queued.Genotype, attempt, queued.ParentNode),
                [new CandidateStarted(queued.Id, worker, node, attempt, now)]);
        }

        var live = _pending.Count + _reservations.Count;
        if (Evaluated + live >= config.Budget) return new NoWorkNow("the rest of the budget is in flight");
        if (config.Mode == SchedulingMode.Batch && BatchProposed + _reservations.Count >= config.BatchSize)
            return new NoWorkNow("waiting for the batch to finish");

        var id = Math.Max(NextCandidateId, _nextReservationId);
        if (_population.Count + RandomPending < config.PopulationSize || _population.Count == 0)
        {
            var genotype = Mutator.RandomGenotype(Space, DeterministicRandom.For(config.Seed, id, RandomPurpose.RandomGenotype));
            return new AssignCandidate(
                new Candidate(id, null, genotype, 1),
                [new CandidateProposed(id, null, genotype, null, null, BatchIndex, now), new CandidateStarted(id, worker, node, 1, now)]);
        }

        var tournament = Tournament(DeterministicRandom.For(config.Seed, id, RandomPurpose.Tournament));
        var parent = tournament.Winner;
        var reservation = new Reservation(id, parent.Id, parent.Genotype, tournament.Drawn, worker, node,
            ProxyModel.For(config.Screening, Space, _population), parent.Node);
        _reservations.Add(id, reservation);
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

    /// <summary>Draws the child of a reservation's parent, as the Mutator does: from the search seed and the candidate id.</summary>
    public (Genotype Child, Mutation Mutation) MutateFor(Reservation reservation)
    {
        var proposal = ProposeChild(reservation, scorer: null);
        return (proposal.Child, proposal.Mutation);
    }

    /// <summary>
    /// The child of a reservation's parent with what screening saw; <paramref name="scorer"/> serves proxies that build
    /// networks (naswot), which throw without one.
    /// </summary>
    public ChildProposal ProposeChild(Reservation reservation, Func<Genotype, double>? scorer) =>
        ProposeChildFrom(reservation, scorer);

    /// <summary>
    /// The child as a process without a network scorer draws it (the Population, when its Mutator failed): a proxy
    /// that needs a scorer falls back to plain mutation rather than fail the proposal.
    /// </summary>
    public ChildProposal ProposeChildWithoutScorer(Reservation reservation) =>
        ProposeChildFrom(reservation.Proxy?.NeedsScorer == true ? reservation with { Proxy = null } : reservation, scorer: null);

    private ChildProposal ProposeChildFrom(Reservation reservation, Func<Genotype, double>? scorer) =>
        ChildProposer.ProposeScreened(Space, reservation.Parent, DeterministicRandom.For(Config.Seed, reservation.Id, RandomPurpose.Mutation),
            Config.Mutation, Config.Screening, reservation.Proxy, scorer);

    /// <summary>Turns a reservation and its mutated child into the proposal and start events.</summary>
    public AssignCandidate? CompleteProposal(Reservation reservation, Genotype child, Mutation mutation, DateTimeOffset now,
        ScreenedMutants? screened = null)
    {
        if (!_reservations.Remove(reservation.Id)) return null;
        if (IsCompleted) return null;
        Space.Validate(child);
        return new AssignCandidate(
            new Candidate(reservation.Id, reservation.ParentId, child, 1, reservation.ParentNode),
            [
                new CandidateProposed(reservation.Id, reservation.ParentId, child, mutation, reservation.Tournament, BatchIndex, now, screened),
                new CandidateStarted(reservation.Id, reservation.Worker, reservation.Node, 1, now),
            ]);
    }

    /// <summary>Forgets a reservation whose mutation could not be computed.</summary>
    public void CancelReservation(long id) => _reservations.Remove(id);

    /// <summary>
    /// A result. Recorded once: a result for a candidate that is no longer pending (a duplicate, or one that
    /// arrives after the search completed) gives no events. A NaN or infinite objective is a failed attempt.
    /// </summary>
    public IReadOnlyList<ISearchEvent> Complete(long id, EvaluationResult result, DateTimeOffset startedAt, DateTimeOffset finishedAt,
        string worker, string node)
    {
        if (IsCompleted || !_pending.ContainsKey(id)) return [];
        if (!double.IsFinite(result.Objective))
            return Fail(id, $"objective is {result.Objective}", worker, finishedAt, force: true);

        var events = new List<ISearchEvent>(3);
        // the oldest retires before the result joins, so the population never holds more than P, not even between two events
        if (_population.Count + 1 > Config.PopulationSize) events.Add(new CandidateRetired(_population[0].Id, finishedAt));
        events.Add(new CandidateEvaluated(id, result.Objective, result.Metrics, startedAt, finishedAt, worker, node,
            result.TransferredLayers, result.CacheHit));
        if (Evaluated + 1 >= Config.Budget) events.Add(new SearchCompleted("budget", finishedAt));
        return events;
    }

    /// <summary>
    /// A failed attempt, reported by the worker that holds the candidate (a stale report from a worker the candidate
    /// was taken from is ignored). Final after <see cref="SearchConfig.MaxAttempts"/> attempts.
    /// </summary>
    /// <param name="permanent">The evaluator said another attempt would fail the same way: final at once.</param>
    public IReadOnlyList<ISearchEvent> Fail(long id, string reason, string worker, DateTimeOffset now, bool permanent = false) =>
        Fail(id, reason, worker, now, force: false, permanent);

    private IReadOnlyList<ISearchEvent> Fail(long id, string reason, string worker, DateTimeOffset now, bool force, bool permanent = false)
    {
        if (IsCompleted || !_pending.TryGetValue(id, out var pending)) return [];
        if (!force && pending.Worker != worker) return [];
        var attempt = pending.FailedAttempts + 1;
        var final = permanent || attempt >= Config.MaxAttempts;
        var events = new List<ISearchEvent>(2) { new CandidateFailed(id, reason, attempt, final, worker, now) };
        if (final && FinalFailures + 1 >= Config.MaxFailures) events.Add(new SearchCompleted("failure-limit", now));
        return events;
    }

    /// <summary>Sends every candidate running on <paramref name="worker"/> back to the queue.</summary>
    public IReadOnlyList<ISearchEvent> Release(string worker, string reason, DateTimeOffset now) =>
        IsCompleted || !_runningOn.TryGetValue(worker, out var held) ? []
            : held.Select(id => (ISearchEvent)new CandidateReleased(id, reason, now)).ToList();

    /// <summary>Sends every candidate running on a node back to the queue (the node left the cluster or was downed).</summary>
    public IReadOnlyList<ISearchEvent> ReleaseNode(string node, string reason, DateTimeOffset now) =>
        IsCompleted ? [] : _pending.Values.Where(p => p.Node == node).OrderBy(p => p.Id)
            .Select(p => (ISearchEvent)new CandidateReleased(p.Id, reason, now)).ToList();

    /// <summary>Sends every running candidate back to the queue: after recovery no worker of the old process holds work.</summary>
    public IReadOnlyList<ISearchEvent> ReleaseAll(string reason, DateTimeOffset now) =>
        IsCompleted ? [] : _pending.Values.Where(p => p.IsRunning).OrderBy(p => p.Id)
            .Select(p => (ISearchEvent)new CandidateReleased(p.Id, reason, now)).ToList();

    /// <summary>Stops handing out work; running evaluations finish and are recorded. Nothing when paused or completed.</summary>
    public IReadOnlyList<ISearchEvent> Pause(string reason, DateTimeOffset now) =>
        IsCompleted || IsPaused ? [] : [new SearchPaused(reason, now)];

    /// <summary>Hands out work again after a pause. Nothing when not paused or completed.</summary>
    public IReadOnlyList<ISearchEvent> Resume(DateTimeOffset now) =>
        IsCompleted || !IsPaused ? [] : [new SearchResumed(now)];

    /// <summary>
    /// Ends the search now, before its budget: it completes with reason "stopped: ..." and cannot be resumed. Results
    /// still running are not recorded. Nothing when already completed.
    /// </summary>
    public IReadOnlyList<ISearchEvent> Stop(string reason, DateTimeOffset now) =>
        IsCompleted ? [] : [new SearchCompleted(StopReasonPrefix + reason, now)];

    public const string StopReasonPrefix = "stopped: ";

    /// <summary>
    /// The completion a log cut short lacks. One decision persists its events together (a result, then the search's
    /// completion when it used the last of the budget), so a log written by the Population never ends between them;
    /// a log repaired to the events before an unreadable one can. Nothing when the state needs nothing.
    /// </summary>
    public IReadOnlyList<ISearchEvent> Settle(DateTimeOffset now) =>
        !IsStarted || IsCompleted ? []
        : Evaluated >= Config.Budget ? [new SearchCompleted("budget", now)]
        : FinalFailures >= Config.MaxFailures ? [new SearchCompleted("failure-limit", now)]
        : [];

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
                _reservations.Remove(p.Id);
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
                var member = new Member(v.Id, done.Genotype, v.Objective, v.Node);
                _population.Add(member);
                Evaluated++;
                if (Best is null || member.Objective > Best.Objective) Best = member;
                RecentDurations.Add(v.FinishedAt - v.StartedAt);
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
                _reservations.Clear();
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
        held.Add(id);
    }

    private void Unassign(PendingCandidate pending)
    {
        if (pending.Worker is null || !_runningOn.TryGetValue(pending.Worker, out var held)) return;
        held.Remove(pending.Id);
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
        _pending.Values.OrderBy(p => p.Id).ToList(), IsPaused, RecentDurations.Oldest());

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
