using ActorNas.Actors.Evaluators;
using ActorNas.Core.Evaluation;
using Akka.Actor;

namespace ActorNas.Actors.Cluster;

/// <summary>
/// The evaluator slots of a worker node. Each slot pulls work from the Population singleton through the proxy, exactly
/// as a slot of a single process does; the node is done when every slot has heard that the search is over.
/// </summary>
public sealed class EvaluatorNode : ReceiveActor
{
    public const string Name = "evaluators";

    private readonly HashSet<IActorRef> _slots = [];
    private readonly TaskCompletionSource _done;

    /// <param name="createContext">The evaluation context of a slot (its worker id names the node).</param>
    public static Props Props(IActorRef population, int slots, Func<int, IEvaluator> createEvaluator, Func<int, EvaluationContext> createContext,
        SlotLimits limits, TaskCompletionSource done, SlotTrainers? trainers = null) =>
        Akka.Actor.Props.Create(() => new EvaluatorNode(population, slots, createEvaluator, createContext, limits, done, trainers));

    public EvaluatorNode(IActorRef population, int slots, Func<int, IEvaluator> createEvaluator, Func<int, EvaluationContext> createContext,
        SlotLimits limits, TaskCompletionSource done, SlotTrainers? trainers)
    {
        _done = done;
        foreach (var child in EvaluatorSlots.Start(Context, slots, population, createEvaluator, createContext, limits, trainers))
        {
            Context.Watch(child);
            _slots.Add(child);
        }
        Receive<Terminated>(t =>
        {
            _slots.Remove(t.ActorRef);
            if (_slots.Count == 0) _done.TrySetResult();
        });
    }

    protected override SupervisorStrategy SupervisorStrategy() => EvaluatorSlots.RestartAlways();

    /// <summary>One slot per GPU of this machine (/dev/nvidiaN), or one per CPU core when there is none.</summary>
    public static int DefaultSlots()
    {
        try
        {
            var gpus = Directory.Exists("/dev")
                ? Directory.GetFiles("/dev", "nvidia*").Count(f => Path.GetFileName(f)["nvidia".Length..] is { Length: > 0 } n && n.All(char.IsAsciiDigit))
                : 0;
            if (gpus > 0) return gpus;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // no device listing: count cores
        }
        return Environment.ProcessorCount;
    }
}
