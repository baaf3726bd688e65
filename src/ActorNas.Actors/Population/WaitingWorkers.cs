using Akka.Actor;

namespace ActorNas.Actors.Population;

/// <summary>Workers waiting for a candidate, first come first served; a repeated request keeps its place.</summary>
internal sealed class WaitingWorkers
{
    /// <param name="Ref">Where answers go: the slot itself, or (when <paramref name="Batched"/>) its node's WorkBroker.</param>
    public readonly record struct Entry(string Worker, string Node, IActorRef Ref, bool Batched = false);

    private readonly LinkedList<Entry> _order = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _byWorker = [];

    public int Count => _order.Count;

    public void Add(Entry entry)
    {
        if (_byWorker.TryGetValue(entry.Worker, out var existing))
        {
            existing.Value = entry;
            return;
        }
        _byWorker[entry.Worker] = _order.AddLast(entry);
    }

    public bool TryPeek(out Entry entry)
    {
        entry = _order.First?.Value ?? default;
        return _order.First is not null;
    }

    public void Remove(string worker)
    {
        if (_byWorker.Remove(worker, out var node)) _order.Remove(node);
    }

    /// <summary>Forgets every waiting worker of a node (it stopped answering or left).</summary>
    public void RemoveNode(string node)
    {
        foreach (var entry in _order.Where(e => e.Node == node).ToList()) Remove(entry.Worker);
    }

    public IReadOnlyList<Entry> Drain()
    {
        var all = _order.ToList();
        _order.Clear();
        _byWorker.Clear();
        return all;
    }
}
