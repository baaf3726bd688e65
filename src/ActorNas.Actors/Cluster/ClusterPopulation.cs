using ActorNas.Actors.Configuration;
using ActorNas.Actors.Protocol;
using ActorNas.Actors.Runtime;
using ActorNas.Actors.Search;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace ActorNas.Actors.Cluster;

/// <summary>
/// The cluster singleton on a population node: the search's supervision tree (Population and Mutators, no evaluator
/// slots) behind a gate. Only members of the cluster get through the gate; the others are refused and logged. It
/// watches membership: a downed or removed node's candidates go back to the queue at once, an unreachable node's idle
/// slots get nothing, and a timer hands out candidates whose lease ran out.
/// Wherever it starts (first here, later on the node it moves to) it plans the search through the runtime from the
/// shared log: a search that exists continues with its recorded settings, whatever this node's flags and files say
/// (population nodes on different machines may have different files); a new one starts from this node's settings.
/// </summary>
public sealed class ClusterPopulation : ReceiveActor, IWithTimers, IWithUnboundedStash
{
    private sealed record CheckLeases;
    private sealed record Planned(SearchPlan Plan);
    private sealed record PlanFailed(Exception Error);
    private sealed record PlanAgain;

    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly StartRequest _request;
    private readonly IActorRef _listener;
    private readonly TimeSpan? _leaseTimeout;
    private IActorRef _search = ActorRefs.Nobody;
    private SearchPlan? _plan;

    public ITimerScheduler Timers { get; set; } = null!;
    public IStash Stash { get; set; } = null!;

    /// <param name="request">The search and this node's settings text (as `seed` or the host was given them).</param>
    /// <param name="listener">Gets the search's last word (<see cref="SearchEnded"/> or <see cref="SearchCannotRun"/>).</param>
    public static Props Props(StartRequest request, IActorRef listener, TimeSpan? leaseTimeout) =>
        Akka.Actor.Props.Create(() => new ClusterPopulation(request, listener, leaseTimeout));

    public ClusterPopulation(StartRequest request, IActorRef listener, TimeSpan? leaseTimeout)
    {
        _request = request with { Mode = StartMode.NewOrResume };
        _listener = listener;
        _leaseTimeout = leaseTimeout;
        Starting();
    }

    /// <summary>Until the plan is made: requests wait, membership changes need nothing (recovery releases all).</summary>
    private void Starting()
    {
        Receive<Planned>(p =>
        {
            _plan = p.Plan;
            var options = p.Plan.PopulationOptions();
            _search = Context.ActorOf(SearchGuardian.Props(options, _listener), SearchGuardian.NameOf(options.SearchId));
            if (_leaseTimeout is { } lease)
            {
                var every = TimeSpan.FromTicks(Math.Clamp(lease.Ticks / 10, TimeSpan.FromSeconds(1).Ticks, TimeSpan.FromMinutes(1).Ticks));
                Timers.StartPeriodicTimer("leases", new CheckLeases(), every);
            }
            Become(() => Running(options));
            Stash.UnstashAll();
        });
        Receive<PlanFailed>(f =>
        {
            if (f.Error is SettingsException or UnknownSearchException)
            {
                // the settings are wrong, and will be on every node: say so to whoever waits, instead of retrying forever
                _log.Error("search {0} cannot start: {1}", _request.SearchId, f.Error.Message);
                _listener.Tell(new SearchCannotRun(_request.SearchId, f.Error.Message));
                Context.Stop(Self);
                return;
            }
            _log.Warning("cannot read the start of search {0} from the log ({1}); trying again", _request.SearchId, f.Error.Message);
            Timers.StartSingleTimer("plan", new PlanAgain(), TimeSpan.FromSeconds(2));
        });
        Receive<PlanAgain>(_ => Plan());
        Receive<ClusterEvent.IClusterDomainEvent>(_ => { });
        Receive<IActorNasMessage>(_ =>
        {
            if (Admit()) Stash.Stash();
        });
    }

    private void Running(SearchSessionOptions options)
    {
        Receive<ClusterEvent.MemberDowned>(m => Release(m.Member, "its node was downed"));
        Receive<ClusterEvent.MemberRemoved>(m => Release(m.Member, "its node left the cluster"));
        Receive<ClusterEvent.UnreachableMember>(m =>
        {
            _log.Warning("node {0} ({1}) is unreachable", NodeAddress.IdOf(m.Member.Address), string.Join(",", m.Member.Roles));
            _search.Tell(new NodeUnreachable(NodeAddress.IdOf(m.Member.Address)));
        });
        Receive<ClusterEvent.IClusterDomainEvent>(_ => { });
        Receive<CheckLeases>(_ => _search.Tell(new ReleaseExpiredLeases(_leaseTimeout!.Value)));
        Receive<GetSearchSetup>(_ =>
        {
            if (Admit()) Sender.Tell(new SearchSetup(options.SearchId, RecordedSettings.OfSearch(options.Search)));   // older logs recorded the whole text
        });
        Receive<IActorNasMessage>(m =>
        {
            if (Admit()) _search.Forward(m);
        });
    }

    private void Plan() =>
        ActorNasRuntime.Get(Context.System).PlanAsync(_request)
            .PipeTo(Self, success: p => new Planned(p), failure: e => new PlanFailed(e.GetBaseException()));

    protected override void PreStart()
    {
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.UnreachableMember));
        Plan();
    }

    protected override void PostStop()
    {
        _cluster.Unsubscribe(Self);
        _plan?.Dispose();
    }

    private void Release(Member member, string reason)
    {
        if (member.Address == _cluster.SelfAddress) return;
        var node = NodeAddress.IdOf(member.Address);
        _log.Info("node {0} is gone ({1}); its candidates go back to the queue", node, reason);
        _search.Tell(new ReleaseNode(node, reason));
    }

    /// <summary>True for this process and for members of the cluster; anything else is refused and logged.</summary>
    private bool Admit()
    {
        var address = Sender.Path.Address;
        if (ClusterMembership.Admits(Context.System, address)) return true;
        _log.Warning("refused a message from {0}: not a member of the cluster (wire safety)", address);
        return false;
    }
}
