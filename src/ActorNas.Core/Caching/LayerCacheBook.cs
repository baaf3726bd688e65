namespace ActorNas.Core.Caching;

/// <summary>
/// The bookkeeping of one cache: which layers it holds, their bytes against a capacity, and the counters. It moves no
/// tensors: the WeightCache actor keeps the tensors the book says are held, and the cache study runs the book alone.
/// Not thread-safe (an actor, or one replay loop, owns it).
/// </summary>
public sealed class LayerCacheBook
{
    private readonly Dictionary<string, long> _held = [];

    public LayerCacheBook(long capacityBytes, ICachePolicy policy)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacityBytes);
        CapacityBytes = capacityBytes;
        Policy = policy ?? throw new ArgumentNullException(nameof(policy));
    }

    public ICachePolicy Policy { get; }
    public long CapacityBytes { get; }
    public long Bytes { get; private set; }
    public int Count => _held.Count;
    public long Hits { get; private set; }
    public long Misses { get; private set; }
    public long Evictions { get; private set; }
    public double HitRatio => Hits + Misses == 0 ? 0 : (double)Hits / (Hits + Misses);

    public bool Contains(string layer) => _held.ContainsKey(layer);

    /// <summary>The search chose a donor (a parent); popularity-aware policies count it.</summary>
    public void DonorChosen(long donorId) => Policy.OnDonorChosen(donorId);

    /// <summary>A model was evaluated (its layers are offered next); fitness-aware policies rank it.</summary>
    public void Evaluated(EvaluatedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Policy.OnEvaluated(model);
    }

    /// <summary>A request for a layer: true when it is held (a hit).</summary>
    public bool Request(string layer)
    {
        var held = _held.ContainsKey(layer);
        if (held) Hits++;
        else Misses++;
        Policy.OnRequested(layer, held);
        return held;
    }

    /// <summary>
    /// An evaluated model offers a layer. It is kept when the policy admits it and it fits the capacity; held layers
    /// chosen by the policy are evicted to make room. Returns the evicted layers (the caller drops or spills them).
    /// A layer already held stays as it is.
    /// </summary>
    public IReadOnlyList<string> Offer(string layer, long owner, long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (_held.ContainsKey(layer) || bytes > CapacityBytes || !Policy.Admits(layer, owner)) return [];
        List<string>? evicted = null;
        while (Bytes + bytes > CapacityBytes)
        {
            var victim = Policy.Victim();
            if (!Remove(victim))
                throw new InvalidOperationException($"cache policy {Policy.Name} chose {victim}, which is not held");
            Evictions++;
            (evicted ??= []).Add(victim);
        }
        _held[layer] = bytes;
        Bytes += bytes;
        Policy.OnAdmitted(layer, owner, bytes);
        return evicted ?? (IReadOnlyList<string>)[];
    }

    /// <summary>Drops a held layer (a corrupted spill file, say); false when it was not held.</summary>
    public bool Remove(string layer)
    {
        if (!_held.Remove(layer, out var bytes)) return false;
        Bytes -= bytes;
        Policy.OnRemoved(layer);
        return true;
    }
}
