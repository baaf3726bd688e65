namespace ActorNas.Core.Caching;

/// <summary>
/// The optional second tier of a <see cref="LayerTiers"/>: it takes the layers that memory evicts and is read on a
/// memory miss. Core holds only this contract (no I/O here); ActorNas.Actors' LayerDiskTier keeps the layers in files.
/// </summary>
public interface ISpillTier
{
    long Bytes { get; }
    int Count { get; }

    /// <summary>Reads that found a damaged layer (each one a miss, never a served tensor).</summary>
    long Corrupt { get; }

    IEnumerable<string> Layers { get; }

    bool Contains(string layer);

    /// <summary>Keeps a layer (replacing an older copy), evicting others to stay within capacity.</summary>
    void Put(LayerPayload payload);

    /// <summary>A layer read back; null (a miss) when it is not here or could not be read intact.</summary>
    LayerPayload? TryRead(string layer);

    bool Remove(string layer);
}
