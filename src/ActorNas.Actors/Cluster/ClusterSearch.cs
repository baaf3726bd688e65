using ActorNas.Actors.Protocol;
using ActorNas.Actors.Search;
using Akka.Actor;
using Akka.Cluster.Tools.Singleton;

namespace ActorNas.Actors.Cluster;

/// <summary>
/// A population node's part of a cluster search: the ClusterSingletonManager that runs the Population here when
/// this is the oldest population node (and recovers it from the shared log when it moves here), and a proxy to
/// wherever it runs.
/// </summary>
public sealed class ClusterSearch
{
    private readonly IActorRef _proxy;
    private readonly TaskCompletionSource<SearchOutcome> _outcome;

    private ClusterSearch(IActorRef proxy, TaskCompletionSource<SearchOutcome> outcome)
    {
        _proxy = proxy;
        _outcome = outcome;
    }

    /// <summary>Completes when the Population running on this node ends the search or cannot run it.</summary>
    public Task<SearchOutcome> LocalOutcome => _outcome.Task;

    public static ClusterSearch Start(ActorSystem system, SearchSessionOptions options, ClusterSettings cluster)
    {
        system.Scheduler.Advanced.ScheduleOnce(TimeSpan.Zero, () => { });   // start the timer thread now (see SearchSession)
        var outcome = new TaskCompletionSource<SearchOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var listener = system.ActorOf(OutcomeListener.Props(outcome), "search-listener");
        system.ActorOf(ClusterSingletonManager.Props(
                ClusterPopulation.Props(options, listener, cluster.LeaseTimeout),
                PoisonPill.Instance,
                ClusterSingletonManagerSettings.Create(system).WithRole(ClusterSettings.PopulationRole)),
            ClusterSettings.SingletonManagerName);
        return new ClusterSearch(ClusterNode.PopulationProxy(system), outcome);
    }

    public Task<SearchStatus> GetStatusAsync(TimeSpan timeout) => _proxy.Ask<SearchStatus>(GetSearchStatus.Instance, timeout);

    public Task<ClusterView> GetViewAsync(TimeSpan timeout) => _proxy.Ask<ClusterView>(GetClusterView.Instance, timeout);
}
