using ActorNas.Actors.Protocol;
using ActorNas.Core;
using ActorNas.Core.Evolution;
using ActorNas.Core.Growth;
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
/// several slots and nodes at once and the Population's node trains nothing. A spidernet parent grows through
/// <paramref name="grower"/>, also off the actor's thread (the metrics build and measure networks).
/// </summary>
public sealed class MutatorActor : ReceiveActor
{
    public const string PoolName = "mutators";

    public static Props Props(SearchSettings config, Func<Genotype, double>? scorer = null, RegionWeigher? weigher = null, Grower? grower = null) =>
        Akka.Actor.Props.Create(() => new MutatorActor(config, scorer, weigher, grower));

    public MutatorActor(SearchSettings config, Func<Genotype, double>? scorer, RegionWeigher? weigher, Grower? grower)
    {
        var space = config.Space.Create();
        var grows = space is SpiderNetSpace;
        Receive<MutateParent>(m =>
        {
            if (m.Trainer is { } trainer && ChildProposer.IsFadeStep(config, m.Proxy))
            {
                var slot = ((ExtendedActorSystem)Context.System).Provider.ResolveActorRef(trainer);
                Context.ActorOf(FadeStepActor.Props(config, space, m, slot, Sender));
                return;
            }

            object Answer()
            {
                try
                {
                    var proposal = ChildProposer.ChildOf(config, space, m.CandidateId, m.Parent, m.Proxy, scorer, weigher, grower);
                    return new Mutated(m.CandidateId, proposal.Child, proposal.Mutation, proposal.Screened);
                }
                catch (Exception e)
                {
                    return new MutationFailed(m.CandidateId, e.Message);
                }
            }

            if (m.Proxy?.NeedsScorer == true || grows) Task.Run(Answer).PipeTo(Sender);
            else Sender.Tell(Answer());
        });
    }
}
