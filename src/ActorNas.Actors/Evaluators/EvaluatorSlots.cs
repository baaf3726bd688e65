using ActorNas.Core.Caching;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Spaces;
using Akka.Actor;

namespace ActorNas.Actors.Evaluators;

/// <summary>
/// The evaluator slots of one node for one search, the same in a single process (under the search's guardian) and on
/// a cluster's worker node (under its <c>EvaluatorNode</c>): their ids, what each knows, how they start and are supervised.
/// </summary>
public static class EvaluatorSlots
{
    /// <summary>A slot's worker id, as the log records it: the node id and the slot number.</summary>
    public static string WorkerId(string node, int slot) => $"{node}/slot-{slot}";

    /// <summary>What slot <c>k</c> of <paramref name="node"/> knows of the search.</summary>
    public static Func<int, EvaluationContext> Contexts(string searchId, ISearchSpace space, long seed, string node, ILayerCache? cache) =>
        slot => new EvaluationContext(searchId, space, seed, WorkerId(node, slot), node, slot, cache);

    /// <summary>
    /// Starts <paramref name="count"/> slots as children of <paramref name="parent"/>; each pulls work from
    /// <paramref name="population"/> and has an evaluator of its own. The parent supervises them with <see cref="RestartAlways"/>.
    /// <paramref name="trainers"/> train the fade strategy's regions and grow spidernet networks on them (null when the
    /// search needs neither).
    /// </summary>
    public static IReadOnlyList<IActorRef> Start(IUntypedActorContext parent, int count, IActorRef population, Func<int, IEvaluator> createEvaluator,
        Func<int, EvaluationContext> contextOf, SlotLimits limits, SlotTrainers? trainers = null)
    {
        var slots = new List<IActorRef>(count);
        for (var slot = 0; slot < count; slot++)
        {
            var slotIndex = slot;
            slots.Add(parent.ActorOf(EvaluatorActor.Props(population, () => createEvaluator(slotIndex), contextOf(slot), limits, trainers), EvaluatorActor.NameOf(slot)));
        }
        return slots;
    }

    /// <summary>A failing evaluator is restarted, however often: one candidate's crash never stops the search.</summary>
    public static SupervisorStrategy RestartAlways() =>
        new OneForOneStrategy(maxNrOfRetries: -1, withinTimeRange: Timeout.InfiniteTimeSpan, localOnlyDecider: _ => Directive.Restart);
}
