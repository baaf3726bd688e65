using ActorNas.Actors.Protocol;
using Akka.Actor;
using Akka.Event;
using Akka.Cluster.Tools.Singleton;

namespace ActorNas.Actors.Cluster;

/// <summary>What every ActorNas cluster node does: join, reach the Population singleton, leave.</summary>
public static class ClusterNode
{
    /// <summary>This node's id: the host:port of its remoting address.</summary>
    public static string Id(ActorSystem system) => NodeAddress.IdOf(Akka.Cluster.Cluster.Get(system).SelfAddress);

    /// <summary>A proxy that finds the Population singleton wherever it runs (it buffers while the singleton moves).</summary>
    public static IActorRef PopulationProxy(ActorSystem system) =>
        system.ActorOf(ClusterSingletonProxy.Props($"/user/{ClusterSettings.SingletonManagerName}",
            ClusterSingletonProxySettings.Create(system).WithRole(ClusterSettings.PopulationRole)), "population-proxy");

    /// <summary>Joins (itself, when there are no seeds) and waits until this node is Up; throws <see cref="ClusterJoinException"/> after <paramref name="timeout"/>.</summary>
    public static async Task WaitUntilUpAsync(ActorSystem system, IReadOnlyList<string> seeds, TimeSpan timeout, CancellationToken cancel)
    {
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cluster = Akka.Cluster.Cluster.Get(system);
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        if (seeds.Count == 0) cluster.Join(cluster.SelfAddress);   // the first node: a cluster of one that others join
        var finished = await Task.WhenAny(up.Task, system.WhenTerminated, Task.Delay(timeout, cancel)).ConfigureAwait(false);
        cancel.ThrowIfCancellationRequested();
        if (finished != up.Task)
            throw new ClusterJoinException(seeds.Count == 0
                ? $"this node did not become a member within {timeout.TotalSeconds:F0} s"
                : $"could not join the cluster at {string.Join(", ", seeds)} within {timeout.TotalSeconds:F0} s: is a population node " +
                  "running there (`actornas seed`), with the same TLS setting, and reachable from here?");
    }

    /// <summary>Asks the Population which search runs, again and again until it answers or <paramref name="timeout"/> passes.</summary>
    public static async Task<SearchSetup> AskSetupAsync(ActorSystem system, IActorRef proxy, TimeSpan timeout, CancellationToken cancel)
    {
        var deadline = DateTime.UtcNow + timeout;
        var log = Akka.Event.Logging.GetLogger(system, "ActorNas.ClusterNode");
        while (true)
        {
            cancel.ThrowIfCancellationRequested();
            if (system.WhenTerminated.IsCompleted)
                throw new ClusterJoinException("this node was removed from the cluster (downed) before the Population answered; start it again");
            try
            {
                return await proxy.Ask<SearchSetup>(GetSearchSetup.Instance, TimeSpan.FromSeconds(3), cancel).ConfigureAwait(false);
            }
            catch (AskTimeoutException) when (DateTime.UtcNow < deadline)
            {
                log.Info("no answer from the Population yet (it may be starting or moving); asking again");
            }
            catch (AskTimeoutException)
            {
                throw new ClusterJoinException($"joined the cluster, but no Population answered within {timeout.TotalSeconds:F0} s: " +
                    "start a population node (`actornas seed`) for the search");
            }
        }
    }

    /// <summary>Leaves the cluster gracefully and stops the ActorSystem (the singleton, if here, hands over first).</summary>
    public static Task LeaveAsync(ActorSystem system) =>
        CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClusterLeavingReason.Instance);
}

/// <summary>This node could not join the cluster or find the Population; the message says what to check.</summary>
public sealed class ClusterJoinException(string message) : Exception(message);
