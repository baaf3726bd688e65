using ActorNas.Actors.Protocol;
using ActorNas.Core;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;
using Akka.Actor;

namespace ActorNas.Actors.Mutators;

/// <summary>
/// One FaDE step whose region trains on an evaluator slot: draws the step (neighbours, region, seed) as
/// <see cref="ChildProposer.FadeStepOf"/> does, asks the slot to train the region, and answers the Population with the
/// best-ranked neighbour. It watches the slot, so a slot (or its node) that dies turns into a failed mutation, which the
/// Population replaces with a plain one; it never waits for ever.
/// </summary>
public sealed class FadeStepActor : ReceiveActor
{
    public static Props Props(SearchSettings config, ISearchSpace space, MutateParent request, IActorRef trainer, IActorRef replyTo) =>
        Akka.Actor.Props.Create(() => new FadeStepActor(config, space, request, trainer, replyTo));

    public FadeStepActor(SearchSettings config, ISearchSpace space, MutateParent request, IActorRef trainer, IActorRef replyTo)
    {
        var id = request.CandidateId;
        void Answer(IActorNasMessage answer)
        {
            replyTo.Tell(answer);
            Context.Stop(Self);
        }

        FadeStepPlan plan;
        try
        {
            plan = ChildProposer.FadeStepOf(config, space, id, request.Parent);
        }
        catch (Exception e)
        {
            Answer(new MutationFailed(id, e.Message));
            return;
        }
        Context.Watch(trainer);
        var region = plan.Region;
        trainer.Tell(new WeighRegion(id, [.. Enumerable.Range(0, region.Stages).Select(s => (IReadOnlyList<int>)[.. region.CandidatesAt(s)])],
            plan.TrainingSeed));

        Receive<RegionWeighed>(w =>
        {
            try
            {
                var proposal = FadeProposal.Choose(plan, w.Weights);
                Answer(new Mutated(id, proposal.Child, proposal.Mutation, proposal.Screened));
            }
            catch (Exception e)   // weights of the wrong shape: a slot with other settings
            {
                Answer(new MutationFailed(id, $"the region trained on {trainer.Path} came back unusable: {e.Message}"));
            }
        });
        Receive<RegionWeighingFailed>(f => Answer(new MutationFailed(id, $"the region's training failed: {f.Reason}")));
        Receive<Terminated>(_ => Answer(new MutationFailed(id, $"the evaluator slot training the region ({trainer.Path}) stopped")));
    }
}
