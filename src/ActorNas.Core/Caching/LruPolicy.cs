namespace ActorNas.Core.Caching;

/// <summary>Least recently used: the held layer whose last request or admission is oldest goes first.</summary>
public sealed class LruPolicy : ICachePolicy
{
    private readonly LinkedList<string> _order = [];   // least recent first
    private readonly Dictionary<string, LinkedListNode<string>> _nodes = [];

    public string Name => "lru";

    public bool Admits(string layer, long owner) => true;

    public void OnDonorChosen(long donorId) { }

    public void OnRequested(string layer, bool held)
    {
        if (!held || !_nodes.TryGetValue(layer, out var node)) return;
        _order.Remove(node);
        _order.AddLast(node);
    }

    public void OnAdmitted(string layer, long owner, long bytes) => _nodes[layer] = _order.AddLast(layer);

    public void OnRemoved(string layer)
    {
        if (_nodes.Remove(layer, out var node)) _order.Remove(node);
    }

    public string Victim() => _order.First?.Value ?? throw new InvalidOperationException("the cache holds nothing");
}
