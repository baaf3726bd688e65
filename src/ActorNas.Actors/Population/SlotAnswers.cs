using ActorNas.Actors.Cluster;
using ActorNas.Actors.Protocol;
using ActorNas.Core.Evaluation;
using Akka.Actor;

namespace ActorNas.Actors.Population;

/// <summary>
/// The Population's answers to slots. A slot that talks to it directly gets its own message; the slots behind a
/// WorkBroker get theirs gathered per broker and sent as one <see cref="WorkAnswers"/> when <see cref="Flush"/> runs
/// (queued behind the messages already waiting, so gathering adds no delay), or at once when a batch is full.
/// </summary>
internal sealed class SlotAnswers
{
    private readonly Dictionary<IActorRef, List<SlotAnswer>> _pending = [];

    /// <summary>Answers gathered for brokers and not sent yet.</summary>
    public bool HasPending => _pending.Count > 0;

    public void Assign(WaitingWorkers.Entry slot, Candidate candidate) =>
        Send(slot, new WorkAssigned(candidate), new SlotAnswer(slot.Worker, candidate));

    public void Over(WaitingWorkers.Entry slot, string reason) =>
        Send(slot, new SearchIsOver(reason), new SlotAnswer(slot.Worker, null, reason));

    private void Send(WaitingWorkers.Entry slot, IActorNasMessage direct, SlotAnswer batched)
    {
        if (!slot.Batched)
        {
            slot.Ref.Tell(direct);
            return;
        }
        if (!_pending.TryGetValue(slot.Ref, out var answers)) _pending[slot.Ref] = answers = [];
        answers.Add(batched);
        if (answers.Count >= WorkBroker.MaxBatch)
        {
            slot.Ref.Tell(new WorkAnswers(answers));
            _pending.Remove(slot.Ref);
        }
    }

    public void Flush()
    {
        foreach (var (broker, answers) in _pending) broker.Tell(new WorkAnswers(answers));
        _pending.Clear();
    }
}
