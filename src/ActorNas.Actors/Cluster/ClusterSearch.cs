using ActorNas.Actors.Protocol;
using ActorNas.Actors.Runtime;
using ActorNas.Actors.Search;
using Akka.Actor;
using Akka.Cluster.Tools.Singleton;

namespace ActorNas.Actors.Cluster;

/// <summary>
/// A population node's part of a cluster search: the Population singleton's props (its manager runs it here when this
/// is the oldest population node, and it plans the search from the shared log wherever it starts), the outcome of the
/// Population while it runs here, and a proxy to wherever it runs.
/// </summary>
public sealed class ClusterSearch
{
    private readonly TaskCompletionSource<SearchOutcome> _outcome;
    private IActorRef _proxy = ActorRefs.Nobody;

    private ClusterSearch(Props populationProps, TaskCompletionSource<SearchOutcome> outcome)
    {
        PopulationProps = populationProps;
        _outcome = outcome;
    }

    /// <summary>The singleton: <see cref="ClusterPopulation"/> for this search, reporting to this node's listener.</summary>
    public Props PopulationProps { get; }

    /// <summary>Completes when the Population running on this node ends the search or cannot run it.</summary>
    public Task<SearchOutcome> LocalOutcome => _outcome.Task;

    /// <summary>
    /// The parts without the singleton manager, for a host that starts the manager itself (Akka.Cluster.Hosting's
    /// <c>WithSingleton</c>): connect the proxy it makes with <see cref="Connect"/>.
    /// </summary>
    public static ClusterSearch Prepare(ActorSystem system, StartRequest request, TimeSpan? leaseTimeout)
    {
        system.Scheduler.Advanced.ScheduleOnce(TimeSpan.Zero, () => { });   // start the timer thread now (see SearchSession)
        var outcome = new TaskCompletionSource<SearchOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var listener = system.ActorOf(OutcomeListener.Props(outcome), "search-listener");
        return new ClusterSearch(ClusterPopulation.Props(request, listener, leaseTimeout), outcome);
    }

    /// <summary>Starts the singleton manager on this node (`actornas seed`) and a proxy to the Population.</summary>
    public static ClusterSearch Start(ActorSystem system, StartRequest request, ClusterSettings cluster)
    {
        var search = Prepare(system, request, cluster.LeaseTimeout);
        system.ActorOf(ClusterSingletonManager.Props(search.PopulationProps, PoisonPill.Instance,
                ClusterSingletonManagerSettings.Create(system).WithRole(ClusterSettings.PopulationRole)),
            ClusterSettings.SingletonManagerName);
        search.Connect(ClusterNode.PopulationProxy(system));
        return search;
    }

    /// <summary>Asks through <paramref name="proxy"/> from now on (a singleton proxy to this search's Population).</summary>
    public void Connect(IActorRef proxy) => _proxy = proxy;

    public Task<SearchStatus> GetStatusAsync(TimeSpan timeout) => _proxy.Ask<SearchStatus>(GetSearchStatus.Instance, timeout);

    public Task<ClusterView> GetViewAsync(TimeSpan timeout) => _proxy.Ask<ClusterView>(GetClusterView.Instance, timeout);

    /// <summary>Pauses the search wherever its Population runs (see <see cref="PauseSearch"/>).</summary>
    public Task<SearchStatus> PauseAsync(string reason, TimeSpan timeout) => _proxy.Ask<SearchStatus>(new PauseSearch(reason), timeout);

    public Task<SearchStatus> ResumeAsync(TimeSpan timeout) => _proxy.Ask<SearchStatus>(ResumeSearch.Instance, timeout);

    /// <summary>Ends the search now (see <see cref="StopSearch"/>).</summary>
    public Task<SearchStatus> StopAsync(string reason, TimeSpan timeout) => _proxy.Ask<SearchStatus>(new StopSearch(reason), timeout);
}
