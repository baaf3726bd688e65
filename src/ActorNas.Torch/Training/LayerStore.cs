using TorchSharp;
using static TorchSharp.torch;

namespace ActorNas.Torch.Training;

/// <summary>
/// The weights of evaluated models, kept per layer identity on the CPU so that a later model with the same layer
/// starts from them (weight transfer). One stored layer serves every model that shares it. Bounded in bytes; the
/// least recently used layers go first. Thread-safe: evaluator slots of one process share it.
/// </summary>
public sealed class LayerStore : IDisposable
{
    private readonly long _capacityBytes;
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _recency = [];   // most recent first
    private readonly Lock _gate = new();
    private long _bytes;

    private sealed record Entry(string Identity, IReadOnlyDictionary<string, Tensor> Tensors, long Bytes);

    public LayerStore(long capacityBytes) => _capacityBytes = capacityBytes;

    public long Bytes { get { lock (_gate) return _bytes; } }
    public int Count { get { lock (_gate) return _entries.Count; } }

    /// <summary>
    /// Stores copies of a layer's tensors (names relative to the layer) unless the identity is already held. A layer
    /// larger than the whole capacity is not kept.
    /// </summary>
    public void Put(string identity, IReadOnlyDictionary<string, Tensor> tensors)
    {
        var bytes = tensors.Values.Sum(t => t.NumberOfElements * t.ElementSize);
        if (bytes > _capacityBytes) return;
        lock (_gate)
        {
            if (_entries.TryGetValue(identity, out var existing))
            {
                Touch(existing);
                return;
            }
            var copies = tensors.ToDictionary(kv => kv.Key, kv => kv.Value.detach().cpu().clone().DetachFromDisposeScope());
            var node = _recency.AddFirst(new Entry(identity, copies, bytes));
            _entries[identity] = node;
            _bytes += bytes;
            while (_bytes > _capacityBytes && _recency.Last is { } oldest) Evict(oldest);
        }
    }

    /// <summary>
    /// Copies a stored layer into <paramref name="target"/> (same names and shapes, any device); false when the
    /// identity is not held or the shapes differ.
    /// </summary>
    public bool TryCopyTo(string identity, IReadOnlyDictionary<string, Tensor> target)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(identity, out var node)) return false;
            var stored = node.Value.Tensors;
            if (stored.Count != target.Count || target.Any(kv => !stored.TryGetValue(kv.Key, out var s) || !s.shape.SequenceEqual(kv.Value.shape)))
                return false;
            using (no_grad())
                foreach (var (name, tensor) in target) tensor.copy_(stored[name]);
            Touch(node);
            return true;
        }
    }

    public bool Contains(string identity)
    {
        lock (_gate) return _entries.ContainsKey(identity);
    }

    private void Touch(LinkedListNode<Entry> node)
    {
        _recency.Remove(node);
        _recency.AddFirst(node);
    }

    private void Evict(LinkedListNode<Entry> node)
    {
        _recency.Remove(node);
        _entries.Remove(node.Value.Identity);
        _bytes -= node.Value.Bytes;
        foreach (var t in node.Value.Tensors.Values) t.Dispose();
    }

    public void Dispose()
    {
        lock (_gate)
            while (_recency.First is { } node) Evict(node);
    }
}
