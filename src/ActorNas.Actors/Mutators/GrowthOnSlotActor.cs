using ActorNas.Actors.Protocol;
using ActorNas.Core.Evolution;
using Akka.Actor;

namespace ActorNas.Actors.Mutators;

/// <summary>
/// One SpiderNet growth on an evaluator slot: asks the slot that waits for the child to grow the parent's network
/// from the candidate's growth seed (<see cref="ChildProposer.GrowthSeed"/>), and answers the Population with the grown
/// network. It watches the slot, so a slot (or its node) that dies turns into a failed mutation, after which the
/// Population trains the network as it is; it never waits for ever.
/// </summary>
public sealed class GrowthOnSlotActor : ReceiveActor
{
    public static Props Props(SearchSettings config, MutateParent request, IActorRef slot, IActorRef replyTo) =>
        Akka.Actor.Props.Create(() => new GrowthOnSlotActor(config, request, slot, replyTo));

    public GrowthOnSlotActor(SearchSettings config, MutateParent request, IActorRef slot, IActorRef replyTo)
    {
        var id = request.CandidateId;
        void Answer(IActorNasMessage answer)
        {
            replyTo.Tell(answer);
            Context.Stop(Self);
        }

        Context.Watch(slot);
        slot.Tell(new GrowNetwork(id, request.Parent, ChildProposer.GrowthSeed(config, id)));
        // a growth records no single mutation: the splits are the difference between the child and its parent
        Receive<NetworkGrown>(g => Answer(new Mutated(id, g.Child, null)));
        Receive<GrowingFailed>(f => Answer(new MutationFailed(id, $"the growth failed: {f.Reason}")));
        Receive<Terminated>(_ => Answer(new MutationFailed(id, $"the evaluator slot growing the network ({slot.Path}) stopped")));
    }
}
