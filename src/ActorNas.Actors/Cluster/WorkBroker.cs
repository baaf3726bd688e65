using ActorNas.Actors.Protocol;
using Akka.Actor;
using Akka.Event;

namespace ActorNas.Actors.Cluster;

/// <summary>
/// The one channel between a worker node's slots and the Population. Slots report to it as they would to the
/// Population; it sends the reports gathered while it was busy as one <see cref="WorkReports"/> and hands each slot its
/// answer from the Population's <see cref="WorkAnswers"/>. It adds no delay: a flush is queued behind the messages
/// already waiting, so an idle node sends each report at once and a busy one sends many to a message.
/// </summary>
public sealed class WorkBroker : ReceiveActor
{
    public const string Name = "work-broker";

    /// <summary>Reports per message at most: a frame stays well under Akka's 128,000-byte limit.</summary>
    public const int MaxBatch = 32;

    private sealed record Flush
    {
        public static readonly Flush Instance = new();
    }

    private readonly IActorRef _population;
    private readonly Dictionary<string, IActorRef> _slots = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private List<SlotReport> _pending = [];
    private bool _flushQueued;

    public static Props Props(IActorRef population) => Akka.Actor.Props.Create(() => new WorkBroker(population));

    public WorkBroker(IActorRef population)
    {
        _population = population;
        Receive<SlotReport>(r =>
        {
            _slots[r.Worker] = Sender;
            _pending.Add(r);
            if (_pending.Count >= MaxBatch) Send();
            else if (!_flushQueued)
            {
                _flushQueued = true;
                Self.Tell(Flush.Instance);
            }
        });
        Receive<Flush>(_ =>
        {
            _flushQueued = false;
            Send();
        });
        Receive<WorkAnswers>(a =>
        {
            foreach (var answer in a.Answers)
            {
                if (!_slots.TryGetValue(answer.Worker, out var slot))
                {
                    _log.Warning("an answer for slot {0}, which this node does not have, was dropped", answer.Worker);
                    continue;
                }
                slot.Tell(answer.Candidate is { } candidate ? new WorkAssigned(candidate) : new SearchIsOver(answer.SearchOver ?? "the search is over"));
            }
        });
    }

    private void Send()
    {
        if (_pending.Count == 0) return;
        _population.Tell(new WorkReports(_pending));
        _pending = [];
    }
}
