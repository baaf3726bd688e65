namespace ActorNas.Core.Caching;

/// <summary>
/// The tiers of one weight cache. The memory tier holds exactly the layers its <see cref="LayerCacheBook"/> says are
/// held, so every keep/evict decision is the policy's, made with the same calls as the offline study: a request is
/// <see cref="LayerCacheBook.Request"/> per layer, a kept layer <see cref="LayerCacheBook.Offer"/>, a donor choice
/// <see cref="LayerCacheBook.DonorChosen"/>. The optional disk tier (<see cref="ISpillTier"/>) takes what the book
/// evicts and is read on a memory miss; a layer read from disk is served but not promoted (the book would otherwise
/// see offers the study does not).
/// Not thread-safe: the WeightCache actor, or <see cref="InProcessLayerCache"/> under its lock, owns it.
/// </summary>
public sealed class LayerTiers(LayerCacheBook book, ISpillTier? disk = null)
{
    private readonly Dictionary<string, LayerPayload> _memory = [];

    public LayerCacheBook Book { get; } = book;
    public ISpillTier? Disk { get; } = disk;
    public long RemoteHits { get; private set; }
    public long RemoteBytesFetched { get; private set; }
    public long BytesServed { get; private set; }
    public long DiskHits { get; private set; }

    public void DonorChosen(long donorId) => Book.DonorChosen(donorId);

    /// <summary>A model of this node was evaluated; its layers are kept next (<see cref="LayerCacheBook.Evaluated"/>).</summary>
    public void Evaluated(EvaluatedModel model) => Book.Evaluated(model);

    /// <summary>The local part of a fetch: each layer is a book request, served from memory, else from disk, else missing.</summary>
    public LocalLookup Request(IEnumerable<string> layers)
    {
        var found = new Dictionary<string, LayerPayload>();
        var missing = new List<string>();
        int memory = 0, fromDisk = 0;
        foreach (var layer in layers.Distinct())
        {
            if (Book.Request(layer))
            {
                found[layer] = _memory[layer];
                memory++;
            }
            else if (Disk?.TryRead(layer) is { } spilled)
            {
                found[layer] = spilled;
                fromDisk++;
                DiskHits++;
            }
            else missing.Add(layer);
        }
        return new LocalLookup(found, memory, fromDisk, missing);
    }

    /// <summary>A layer for another node: memory or disk, without a book request (serving a peer is not this node's demand).</summary>
    public LayerPayload? Serve(string layer)
    {
        var payload = _memory.TryGetValue(layer, out var held) ? held : Disk?.TryRead(layer);
        if (payload is not null) BytesServed += payload.Bytes;
        return payload;
    }

    /// <summary>Offers a layer to the memory tier; what the policy evicts to make room spills to disk (when there is one).</summary>
    public void Keep(LayerPayload payload)
    {
        foreach (var victim in Book.Offer(payload.Layer, payload.Owner, payload.Bytes))
            if (_memory.Remove(victim, out var evicted)) Disk?.Put(evicted);
        if (!Book.Contains(payload.Layer) || _memory.ContainsKey(payload.Layer)) return;
        _memory[payload.Layer] = payload;
        Disk?.Remove(payload.Layer);   // one copy per layer: memory wins
    }

    /// <summary>Drops every layer of both tiers (counted as removals, not evictions).</summary>
    public void Clear()
    {
        foreach (var layer in _memory.Keys.ToList()) Book.Remove(layer);
        _memory.Clear();
        if (Disk is { } disk)
            foreach (var layer in disk.Layers.ToList()) disk.Remove(layer);
    }

    /// <summary>Counts layers that came from another node's cache.</summary>
    public void CountRemote(int layers, long bytes)
    {
        RemoteHits += layers;
        RemoteBytesFetched += bytes;
    }

    public CacheStats Stats() => new(
        Book.Policy.Name, Book.CapacityBytes, Book.Bytes, Book.Count, Book.Hits, Book.Misses, Book.Evictions,
        Disk?.Bytes ?? 0, Disk?.Count ?? 0, DiskHits, Disk?.Corrupt ?? 0, RemoteHits, RemoteBytesFetched, BytesServed);
}

/// <summary>What the local tiers found for a request, and what they did not.</summary>
public sealed record LocalLookup(IReadOnlyDictionary<string, LayerPayload> Found, int MemoryHits, int DiskHits, IReadOnlyList<string> Missing);
