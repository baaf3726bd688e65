namespace ActorNas.Core.Caching;

/// <summary>
/// What a weight cache decides with: whether to keep an offered layer and which held layer to give up. The live
/// WeightCache actor and the offline cache study drive a policy through <see cref="LayerCacheBook"/> with the same
/// calls in the same order, so the same request sequence gives the same hits in both.
/// </summary>
/// <remarks>Layers are named by identity (an opaque string: the Merkle-style hash of a layer and its predecessors).</remarks>
public interface ICachePolicy
{
    /// <summary>The name used in HOCON and reports: none, lru, lfu, donor-popularity, belady.</summary>
    string Name { get; }

    /// <summary>Whether an offered layer should be kept at all (the <c>none</c> baseline keeps nothing).</summary>
    bool Admits(string layer, long owner);

    /// <summary>The search chose <paramref name="donorId"/> as the parent of a new candidate.</summary>
    void OnDonorChosen(long donorId);

    /// <summary>
    /// A model was evaluated; its layers are offered next. Policies that predict the search's donor choices read the
    /// objective and the lineage here; the others ignore it.
    /// </summary>
    void OnEvaluated(EvaluatedModel model) { }

    /// <summary>A layer was requested; <paramref name="held"/> says whether the cache had it (a hit).</summary>
    void OnRequested(string layer, bool held);

    /// <summary>A layer entered the cache; <paramref name="owner"/> is the evaluated candidate whose model it came from.</summary>
    void OnAdmitted(string layer, long owner, long bytes);

    /// <summary>A layer left the cache (evicted, or dropped because it could not be read back).</summary>
    void OnRemoved(string layer);

    /// <summary>The held layer to give up next. Only asked while something is held.</summary>
    string Victim();
}
