using ActorNas.Actors.Protocol;
using ActorNas.Core;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces.SpiderNet;
using ActorNas.Core.Spaces.Hierarchical;
using Akka.Actor;

namespace ActorNas.Actors.Mutators;

/// <summary>
/// Turns a tournament's parent into its child. Stateless, so it runs as a pool anywhere; the draw is keyed by
/// (search seed, candidate id), so which mutator answers does not change the child. With hybrid evolution it ranks
/// the mutants with the proxy; a proxy that builds networks (naswot through <paramref name="scorer"/>, fade's region
/// supernets through <paramref name="weigher"/>) runs off the actor's thread and the answer is piped back. A FaDE step
/// whose request names a trainer slot trains there instead (<see cref="FadeStepActor"/>), so several steps train on
/// several slots and nodes at once and the Population's node trains nothing. A spidernet parent grows on the slot its
/// request names (<see cref="GrowthOnSlotActor"/>: the metrics build and measure networks, on the slot's device); a
/// request that names none is answered as failed (a Mutator builds no networks of its own).
/// </summary>
public sealed class MutatorActor : ReceiveActor
{
    public const string PoolName = "mutators";

    public static Props Props(SearchSettings config, Func<Genotype, double>? scorer = null, RegionWeigher? weigher = null) =>
        Akka.Actor.Props.Create(() => new MutatorActor(config, scorer, weigher));

    public MutatorActor(SearchSettings config, Func<Genotype, double>? scorer, RegionWeigher? weigher)
    {
        var space = config.Space.Create();
        var grows = space is SpiderNetSpace;
        Receive<MutateParent>(m =>
        {
            if (m.Trainer is { } trainer && (grows || ChildProposer.IsFadeStep(config, m.Proxy)))
            {
                var slot = ((ExtendedActorSystem)Context.System).Provider.ResolveActorRef(trainer);
                Context.ActorOf(grows ? GrowthOnSlotActor.Props(config, m, slot, Sender) : FadeStepActor.Props(config, space, m, slot, Sender));
                return;
            }

            object Answer()
            {
                try
                {
                    var proposal = ChildProposer.ChildOf(config, space, m.CandidateId, m.Parent, m.Proxy, scorer, weigher);
                    return new Mutated(m.CandidateId, proposal.Child, proposal.Mutation, proposal.Screened);
                }
                catch (Exception e)
                {
                    return new MutationFailed(m.CandidateId, e.Message);
                }
            }

            if (m.Proxy?.NeedsScorer == true) Task.Run(Answer).PipeTo(Sender);
            else Sender.Tell(Answer());
        });
    }
}
