using ActorNas.Actors.Persistence;
using ActorNas.Actors.Protocol;
using ActorNas.Actors.Query;
using ActorNas.Actors.Runtime;
using ActorNas.Core.Events;
using ActorNas.Core.Evolution;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace ActorNas.Actors.Population;

/// <summary>
/// The search's persistent shell around <see cref="SearchState"/>. Every message becomes a command for
/// <see cref="SearchState.Decide"/>; it applies the decision's events at once (so the next command sees them),
/// persists them with PersistAllAsync (everything from one mailbox run reaches the journal in one write), and answers
/// the worker only once its events are in the journal. Snapshots are taken of a second state that folds only confirmed events, and so is
/// everything it tells others about the search (status, "search over"): a write that fails takes back nothing said.
/// When the journal fails it tells its guardian why (<see cref="LogUnavailable"/>) before Akka stops it; the guardian
/// decides whether to start it again.
/// </summary>
public sealed class PopulationActor : ReceivePersistentActor, IWithTimers
{
    private sealed record CheckOverdue
    {
        public static readonly CheckOverdue Instance = new();
    }

    private sealed record RefreshAutoTimeout
    {
        public static readonly RefreshAutoTimeout Instance = new();
    }

    public const string Name = "population";

    private readonly string _searchId;
    private readonly SearchSettings _config;
    // a spidernet search: each child is a growth, run on the slot that waits for it
    private readonly bool _grows;
    private readonly bool _createIfMissing;
    private readonly IActorRef _mutators;
    private readonly IActorRef _listener;
    private readonly IActorRef _guardian;
    private readonly int _snapshotEvery;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    // what the journal confirmed, for the live pages of this process (they need not read it back)
    private readonly RecentEvents _recent = ActorNasRuntime.Get(Context.System).Recent;

    private SearchState _state = new();      // decisions: ahead of the journal by the events being written
    private SearchState _confirmed = new();  // exactly what the journal holds
    private readonly WaitingWorkers _waiting = new();
    private readonly Dictionary<long, (Reservation Reservation, WaitingWorkers.Entry Worker)> _mutating = [];
    private readonly Dictionary<IActorRef, (string Worker, string Node)> _watched = [];
    private readonly LeaseBook _leases = new();   // when each running candidate was handed out (cluster lease guard)
    private readonly HashSet<(long Id, DateTimeOffset Since)> _reportedOverdue = [];
    private int _eventsSinceSnapshot;
    private const int SnapshotEventsPerPending = 4;
    private static readonly TimeSpan OverdueCheckInterval = TimeSpan.FromSeconds(10);
    // quantiles sort the duration window: once a second, not once per assignment (thousands per second)
    private static readonly TimeSpan AutoTimeoutRefreshInterval = TimeSpan.FromSeconds(1);
    private TimeSpan? _autoTimeout;

    /// <summary>The auto limit refreshed each second, but learned at once the moment there are enough results
    /// (a fast search issues many candidates in its first second).</summary>
    private TimeSpan? AutoTimeout => _autoTimeout ??= _confirmed.AutoTimeout;

    public override string PersistenceId { get; }
    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="createIfMissing">Start the search from <paramref name="config"/> when the log is empty;
    /// otherwise an empty log is an error (a resume of an unknown search).</param>
    /// <param name="guardian">Hears <see cref="LogUnavailable"/> and <see cref="LogAvailable"/> (told directly: through a
    /// back-off supervisor the report could arrive after the supervisor saw this actor stop, and be dropped).</param>
    public static Props Props(string searchId, SearchSettings config, bool createIfMissing, IActorRef mutators, IActorRef listener,
        IActorRef guardian, int snapshotEvery) =>
        Akka.Actor.Props.Create(() => new PopulationActor(searchId, config, createIfMissing, mutators, listener, guardian, snapshotEvery));

    public PopulationActor(string searchId, SearchSettings config, bool createIfMissing, IActorRef mutators, IActorRef listener,
        IActorRef guardian, int snapshotEvery)
    {
        _searchId = searchId;
        _config = config;
        _grows = config.Space.Name == Core.Spaces.SpiderNet.SpiderNetSpace.SpaceName;
        _createIfMissing = createIfMissing;
        _mutators = mutators;
        _listener = listener;
        _guardian = guardian;
        _snapshotEvery = snapshotEvery;
        PersistenceId = PersistenceConfig.PersistenceId(searchId);
        // ActorNas's own plugins, never the ActorSystem's defaults (which belong to its owner when ActorNas is attached)
        JournalPluginId = PersistenceConfig.JournalPlugin;
        SnapshotPluginId = PersistenceConfig.SnapshotPlugin;

        Recover<SnapshotOffer>(offer =>
        {
            var snapshot = (SearchSnapshot)offer.Snapshot;
            _state = SearchState.FromSnapshot(snapshot);
            _confirmed = SearchState.FromSnapshot(snapshot);
        });
        Recover<ISearchEvent>(e =>
        {
            _state.Apply(e);
            _confirmed.Apply(e);
            _leases.Apply(e);
        });
        Recover<RecoveryCompleted>(_ => OnRecovered());

        // a slot that asks holds nothing: what it held went astray (a restart, a lost message) and goes back to the queue
        Command<RequestWork>(r =>
        {
            Track(r.Worker, r.Node);
            Run(new ReleaseWorker(r.Worker, "its worker asked for new work", Now));
            Wait(r.Worker, r.Node, r.Capacity);
        });
        // a report: a slot with a lookahead still holds its queue (it started the next already), a slot without holds nothing
        Command<WorkDone>(d =>
        {
            Track(d.Worker, d.Node);
            Run(new RecordResult(d.CandidateId, d.Result, d.StartedAt, d.FinishedAt, d.Worker, d.Node));
            if (ReleaseWorker.AfterReport(d.Worker, d.Capacity, Now) is { } release) Run(release);
            Wait(d.Worker, d.Node, d.Capacity);
        });
        Command<WorkFailed>(f =>
        {
            Track(f.Worker, f.Node);
            _log.Info("candidate {0} failed on {1}: {2}", f.CandidateId, f.Worker, f.Reason);
            Run(new RecordFailure(f.CandidateId, f.Reason, f.Worker, f.At, f.Permanent));
            if (ReleaseWorker.AfterReport(f.Worker, f.Capacity, Now) is { } release) Run(release);
            Wait(f.Worker, f.Node, f.Capacity);
        });
        Command<Mutated>(m => Propose(new ProposeChild(m.CandidateId, Now, new ChildProposal(m.Child, m.Mutation, m.Screened))));
        Command<MutationFailed>(f =>
        {
            if (_grows)
                _log.Warning("growing the network for candidate {0} failed ({1}); its round trains the network as it is", f.CandidateId, f.Reason);
            else
                _log.Warning("mutator failed for candidate {0} ({1}); mutating here instead", f.CandidateId, f.Reason);
            Propose(new ProposeChild(f.CandidateId, Now));   // no child: the state draws it
        });
        Command<Terminated>(t =>
        {
            if (!_watched.Remove(t.ActorRef, out var watched)) return;
            var worker = watched.Worker;
            _waiting.Remove(worker);
            Run(new ReleaseWorker(worker, "its worker stopped", Now));
            Serve();
        });
        Command<GetSearchStatus>(_ =>
        {
            // answered once everything decided before the question is in the journal: a status never shows what could still be lost
            var asker = Sender;
            DeferAsync(GetSearchStatus.Instance, _ => asker.Tell(Status()));
        });
        Command<PauseSearch>(p =>
        {
            _log.Info("search {0} paused: {1}", _searchId, p.Reason);
            Control(new PauseWork(p.Reason, Now));
        });
        Command<ResumeSearch>(_ =>
        {
            _log.Info("search {0} resumed", _searchId);
            Control(new ResumeWork(Now));
            Serve();
        });
        Command<StopSearch>(s =>
        {
            _log.Info("search {0} stopped by its owner: {1}", _searchId, s.Reason);
            Control(new EndSearch(s.Reason, Now));
        });
        // from the cluster watcher of the singleton (ClusterPopulation)
        Command<ReleaseNode>(n =>
        {
            _waiting.RemoveNode(n.Node);
            Run(new ReleaseNodeWork(n.Node, n.Reason, Now));
            Serve();
        });
        Command<NodeUnreachable>(n => _waiting.RemoveNode(n.Node));
        Command<ReleaseExpiredLeases>(l =>
        {
            foreach (var worker in _leases.Expired(Now, l.Timeout))
            {
                _log.Warning("worker {0} held its candidate longer than the lease of {1}; handing it out again", worker, l.Timeout);
                Run(new ReleaseWorker(worker, $"its lease of {l.Timeout} ran out", Now));
            }
            Serve();
        });
        Command<GetClusterView>(_ => Sender.Tell(ClusterViewOf()));
        Command<CheckOverdue>(_ => ReportOverdue());
        Command<RefreshAutoTimeout>(_ => _autoTimeout = _confirmed.AutoTimeout);
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(f => _log.Warning("snapshot at {0} failed: {1}", f.Metadata.SequenceNr, f.Cause.Message));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => _log.Warning("deleting old snapshots failed: {0}", f.Cause.Message));
    }

    private static DateTimeOffset Now => DateTimeOffset.UtcNow;

    private void OnRecovered()
    {
        _guardian.Tell(LogAvailable.Instance);
        Timers.StartPeriodicTimer(nameof(CheckOverdue), CheckOverdue.Instance, OverdueCheckInterval);
        Timers.StartPeriodicTimer(nameof(RefreshAutoTimeout), RefreshAutoTimeout.Instance, AutoTimeoutRefreshInterval);
        _autoTimeout = _confirmed.AutoTimeout;
        if (!_state.IsStarted)
        {
            if (!_createIfMissing)
            {
                CannotRun($"there is no search \"{_searchId}\" in this database");
                return;
            }
            Run(new StartSearch(_config, Now));
            _log.Info("search {0} started", _searchId);
            return;
        }
        if (_createIfMissing && _state.Config != _config)
        {
            CannotRun($"search \"{_searchId}\" already exists with other settings; resume it, or choose another search id");
            return;
        }
        _log.Info("search {0} recovered: {1} evaluated of {2}", _searchId, _state.Evaluated, _state.Config.Budget);
        Run(new ReleaseAllWork("recovered after the process that ran it stopped", Now));
        if (_state.IsCompleted) _listener.Tell(new SearchEnded(Status()));
    }

    /// <summary>A control command from the search's owner, answered with the status once its events are in the journal.</summary>
    private void Control(ISearchCommand command)
    {
        var asker = Sender;
        Run(command, () => asker.Tell(Status()));
    }

    private void CannotRun(string reason) => EndSession(new SearchCannotRun(_searchId, reason));

    protected override void PostStop()
    {
        _recent.Forget(_searchId);
        base.PostStop();
    }

    /// <summary>
    /// The log cannot be replayed (an event it cannot read or apply): the session ends now, with nothing appended after
    /// the unreadable event. Akka stops this actor after this call.
    /// </summary>
    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        // the database failed (down, full, locked): the guardian waits for it or gives up; an event that cannot be read is another matter
        if (StoreFault.TryClassify(reason) is { } fault)
        {
            _log.Warning("search {0}: cannot recover from the log: {1} ({2})", _searchId, fault.Summary, fault.Detail);
            _guardian.Tell(LogUnavailable(fault));
            return;
        }
        _log.Warning("search {0}: recovery failed after event {1}: {2}", _searchId, LastSequenceNr, reason.Message);
        EndSession(new SearchCannotRun(_searchId, $"the log of search \"{_searchId}\" cannot be read after event {LastSequenceNr}: {reason.Message}",
            LogUnreadable: true), stopSelf: false);
    }

    /// <summary>
    /// The search cannot run at all: the listener hears why, and so does the guardian, because the back-off supervisor
    /// would otherwise start this actor again into the same failure, forever; the guardian then stops the search.
    /// </summary>
    private void EndSession(SearchCannotRun why, bool stopSelf = true)
    {
        _listener.Tell(why);
        _guardian.Tell(why);
        if (stopSelf) Context.Stop(Self);
    }

    /// <summary>A write failed: none of the events of that write (or after it) are in the journal. Akka stops this actor next.</summary>
    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        var fault = StoreFault.Classify(cause);
        // a warning: the guardian decides whether the search pauses (a transient outage) or stops, and says so
        _log.Warning("search {0}: writing {1} (event {2}) to the log failed: {3} ({4})", _searchId, @event.GetType().Name, sequenceNr,
            fault.Summary, fault.Detail);
        _guardian.Tell(LogUnavailable(fault));
    }

    /// <summary>
    /// The journal refused an event (it could not store it): the decisions made ahead of the journal are no longer
    /// what it holds, so this actor stops and the guardian ends the search (the same event would be refused again).
    /// </summary>
    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        _log.Error("search {0}: the log refused {1} (event {2}): {3}", _searchId, @event.GetType().Name, sequenceNr, cause.Message);
        _guardian.Tell(LogUnavailable(new StoreFault(StoreFaultKind.Other, false, $"the journal refused {@event.GetType().Name}: {cause.Message}")));
        Context.Stop(Self);
    }

    private LogUnavailable LogUnavailable(StoreFault fault) =>
        new(fault, _confirmed.NextCandidateId - 1, _confirmed.IsStarted ? _confirmed.Evaluated : 0);

    /// <summary>Warns once per attempt about candidates running far longer than the search's usual evaluation.</summary>
    private void ReportOverdue()
    {
        var now = Now;
        var overdue = _confirmed.Overdue(now);
        _reportedOverdue.RemoveWhere(r => !_confirmed.Pending.TryGetValue(r.Id, out var p) || p.StartedAt != r.Since);
        foreach (var p in overdue)
        {
            if (!_reportedOverdue.Add((p.Id, p.StartedAt!.Value))) continue;
            _log.Warning("candidate {0} has run for {1:F0} s on {2}, more than {3}x the median evaluation ({4:F1} s); " +
                "actornas.evaluator.timeout (--timeout, or auto) limits an evaluation", p.Id, (now - p.StartedAt.Value).TotalSeconds, p.Worker,
                EvaluationLimits.WarnFactor, _confirmed.RecentDurations.Quantile(0.5));
        }
    }

    private void Track(string worker, string node)
    {
        if (_watched.ContainsKey(Sender) || Sender.IsNobody()) return;
        _watched[Sender] = (worker, node);
        Context.Watch(Sender);
    }

    private void Wait(string worker, string node, int capacity)
    {
        _waiting.Add(worker, node, Sender, capacity);
        Serve();
    }

    /// <summary>
    /// Hands out work to waiting workers, oldest request first, while the state has some; a worker stays in line until
    /// it holds its capacity (the state says when: <see cref="SlotFull"/>).
    /// </summary>
    private void Serve()
    {
        while (_waiting.TryPeek(out var next))
        {
            switch (_state.Decide(new AssignWork(next.Worker, next.Node, Now, Capacity: next.Capacity)))
            {
                case AssignCandidate assign:
                    var worker = next.Ref;
                    ApplyAndPersist(assign.Events, () => worker.Tell(new WorkAssigned(assign.Candidate, AutoTimeout)));
                    KeepInLine(next);
                    break;
                case MutationNeeded need:
                    _mutating[need.Reservation.Id] = (need.Reservation, next);
                    // a FaDE step trains its region, and a spidernet network grows, on the slot that waits for the child
                    var trainer = need.Reservation.Proxy is { Kind: ProxyKind.Fade } || _grows ? Akka.Serialization.Serialization.SerializedActorPath(next.Ref) : null;
                    _mutators.Tell(new MutateParent(need.Reservation.Id, need.Reservation.Parent, need.Reservation.Proxy, trainer));
                    KeepInLine(next);
                    break;
                case SlotFull:
                    _waiting.Remove(next.Worker);
                    break;
                case SearchFinished:
                    // "over" is said once the completion is in the journal (OnCompletedPersisted), never before
                    if (_confirmed.CompletionReason is { } reason)
                        foreach (var w in _waiting.Drain()) w.Ref.Tell(new SearchIsOver(reason));
                    return;
                default:   // NoWorkNow: nothing to hand out until a result, a release or a resume
                    return;
            }
        }
    }

    /// <summary>A worker with room left waits at the back of the line for its lookahead; a full one leaves it.</summary>
    private void KeepInLine(WaitingWorkers.Entry worker)
    {
        if (_state.HasRoom(worker.Worker, worker.Capacity)) _waiting.MoveToBack(worker.Worker);
        else _waiting.Remove(worker.Worker);
    }

    private void Propose(ProposeChild command)
    {
        if (!_mutating.Remove(command.ReservationId, out var pending)) return;
        if (!_watched.ContainsKey(pending.Worker.Ref) && !pending.Worker.Ref.IsNobody())
        {
            // its slot stopped while the child was drawn (a refill for its lookahead, typically): nothing is handed to a dead slot
            _state.Decide(new CancelReservation(command.ReservationId));
            Serve();
            return;
        }
        if (_state.Decide(command) is not AssignCandidate assign)
        {
            // the search ended meanwhile: the worker hears so once that is in the journal
            _waiting.Add(pending.Worker.Worker, pending.Worker.Node, pending.Worker.Ref, pending.Worker.Capacity);
            Serve();
            return;
        }
        ApplyAndPersist(assign.Events, () => pending.Worker.Ref.Tell(new WorkAssigned(assign.Candidate, AutoTimeout)));
        Serve();
    }

    /// <summary>Decides <paramref name="command"/>, applies and persists its events (see <see cref="ApplyAndPersist"/>).</summary>
    private void Run(ISearchCommand command, Action? afterPersisted = null) => ApplyAndPersist(_state.Decide(command).Events, afterPersisted);

    /// <summary>Applies decided events now, persists them, and runs <paramref name="afterPersisted"/> once all are in the journal.</summary>
    private void ApplyAndPersist(IReadOnlyList<ISearchEvent> events, Action? afterPersisted = null)
    {
        if (events.Count == 0)
        {
            afterPersisted?.Invoke();
            return;
        }
        foreach (var e in events)
        {
            _state.Apply(e);
            _leases.Apply(e);
        }
        var remaining = events.Count;
        PersistAllAsync(events, e =>
        {
            _confirmed.Apply(e);
            _recent.Add(_searchId, LastSequenceNr, e);   // LastSequenceNr is this event's while its handler runs
            if (e is SearchCompleted) OnCompletedPersisted();
            if (--remaining == 0) afterPersisted?.Invoke();
            if (SnapshotDue(++_eventsSinceSnapshot, _snapshotEvery, _confirmed.Pending.Count))
            {
                _eventsSinceSnapshot = 0;
                SaveSnapshot(_confirmed.ToSnapshot());
            }
        });
    }

    /// <summary>
    /// A snapshot holds every candidate in flight: with thousands of slots, one every snapshot-every events would cost
    /// more than the events themselves, so the interval grows to 4 events per pending candidate (recovery stays short).
    /// </summary>
    internal static bool SnapshotDue(int eventsSinceSnapshot, int snapshotEvery, int pending) =>
        eventsSinceSnapshot >= Math.Max(snapshotEvery, SnapshotEventsPerPending * pending);

    private void OnCompletedPersisted()
    {
        _log.Info("search {0} completed ({1}): {2} evaluated, best {3}", _searchId, _confirmed.CompletionReason,
            _confirmed.Evaluated, _confirmed.Best?.Objective);
        foreach (var w in _waiting.Drain()) w.Ref.Tell(new SearchIsOver(_confirmed.CompletionReason!));
        _listener.Tell(new SearchEnded(Status()));
    }

    private SearchStatus Status() => SearchStatus.Of(_searchId, _confirmed);

    /// <summary>Every slot that has talked to this Population (and still lives), with the candidate it holds.</summary>
    private ClusterView ClusterViewOf()
    {
        var holding = _state.Pending.Values.Where(p => p.IsRunning).GroupBy(p => p.Worker!).ToDictionary(g => g.Key, g => g.Min(p => p.Id));
        var slots = _watched.Values.Distinct()
            .Select(w => new SlotView(w.Worker, w.Node, holding.TryGetValue(w.Worker, out var id) ? id : null))
            .OrderBy(v => v.Node, StringComparer.Ordinal).ThenBy(v => v.Worker, StringComparer.Ordinal).ToList();
        return new ClusterView(Status(), slots);
    }
}
