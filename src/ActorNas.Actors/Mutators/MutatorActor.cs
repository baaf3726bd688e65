using ActorNas.Actors.Protocol;
using ActorNas.Core.Evolution;
using Akka.Actor;

namespace ActorNas.Actors.Mutators;

/// <summary>
/// Turns a tournament's parent into its child. Stateless, so it runs as a pool anywhere; the draw is keyed by
/// (search seed, candidate id), so which mutator answers does not change the child.
/// </summary>
public sealed class MutatorActor : ReceiveActor
{
    public const string PoolName = "mutators";

    public static Props Props(SearchConfig config) => Akka.Actor.Props.Create(() => new MutatorActor(config));

    public MutatorActor(SearchConfig config)
    {
        var space = config.Space.Create();
        Receive<MutateParent>(m =>
        {
            try
            {
                var (child, mutation) = ChildProposer.Propose(space, m.Parent,
                    DeterministicRandom.For(config.Seed, m.CandidateId, RandomPurpose.Mutation), config.Mutation, config.Screening, m.Proxy);
                Sender.Tell(new Mutated(m.CandidateId, child, mutation));
            }
            catch (Exception e)
            {
                Sender.Tell(new MutationFailed(m.CandidateId, e.Message));
            }
        });
    }
}
