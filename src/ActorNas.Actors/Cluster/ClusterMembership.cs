using Akka.Actor;
using Akka.Cluster;

namespace ActorNas.Actors.Cluster;

/// <summary>
/// Who a node answers over the network: this process and the members of its cluster. A process that can open a TCP
/// connection to a node is not thereby a member, and the Population and the WeightCache refuse it (wire safety).
/// </summary>
public static class ClusterMembership
{
    /// <summary>True for this process, and for a member of this node's cluster. An ActorSystem without the cluster
    /// provider (a single process, or plain remoting in tests) has no membership to check: everything is admitted.</summary>
    public static bool Admits(ActorSystem system, Address sender)
    {
        if (sender.HasLocalScope) return true;
        if (((ExtendedActorSystem)system).Provider is not IClusterActorRefProvider) return true;
        var cluster = Akka.Cluster.Cluster.Get(system);
        if (sender == cluster.SelfAddress) return true;
        foreach (var member in cluster.State.Members)
            if (member.Address == sender && member.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Joining
                    or MemberStatus.Leaving or MemberStatus.Exiting)
                return true;
        return false;
    }
}
