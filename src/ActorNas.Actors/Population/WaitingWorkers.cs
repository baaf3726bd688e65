using Akka.Actor;

namespace ActorNas.Actors.Population;

/// <summary>
/// Workers waiting for a candidate, first come first served; a repeated request keeps its place. A worker with room
/// left after an assignment (its lookahead) goes to the back, so a worker that holds nothing is served first.
/// </summary>
internal sealed class WaitingWorkers
{
    /// <param name="Capacity">How many candidates the worker holds at most (the one it evaluates and its lookahead).</param>
    public readonly record struct Entry(string Worker, string Node, IActorRef Ref, int Capacity);

    private readonly LinkedList<Entry> _order = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _byWorker = [];

    public int Count => _order.Count;

    public void Add(string worker, string node, IActorRef actor, int capacity)
    {
        if (_byWorker.TryGetValue(worker, out var existing))
        {
            existing.Value = new Entry(worker, node, actor, capacity);
            return;
        }
        _byWorker[worker] = _order.AddLast(new Entry(worker, node, actor, capacity));
    }

    /// <summary>Sends a waiting worker to the back of the line.</summary>
    public void MoveToBack(string worker)
    {
        if (!_byWorker.TryGetValue(worker, out var node)) return;
        _order.Remove(node);
        _order.AddLast(node);
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
