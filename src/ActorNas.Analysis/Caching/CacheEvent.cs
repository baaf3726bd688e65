using ActorNas.Core.Caching;

namespace ActorNas.Analysis.Caching;

public enum CacheEventKind
{
    /// <summary>The search chose <see cref="CacheEvent.Id"/> as the parent of a new candidate.</summary>
    DonorChosen,
    /// <summary>A starting evaluation asks for <see cref="CacheEvent.Layer"/>.</summary>
    Request,
    /// <summary>A finished evaluation (<see cref="CacheEvent.Id"/>, the owner) offers <see cref="CacheEvent.Layer"/>.</summary>
    Offer,
    /// <summary>An evaluation finished (<see cref="CacheEvent.Model"/>: its objective, parent and layers); its offers follow.</summary>
    Evaluated,
}

/// <summary>
/// One step of what a weight cache sees: a donor choice, a layer request, an evaluated model (before its offers), or a
/// layer offered by an evaluated model.
/// </summary>
public readonly record struct CacheEvent(CacheEventKind Kind, string Layer, long Id, EvaluatedModel? Model = null)
{
    public static CacheEvent DonorChosen(long donorId) => new(CacheEventKind.DonorChosen, "", donorId);
    public static CacheEvent Request(string layer) => new(CacheEventKind.Request, layer, 0);
    public static CacheEvent Offer(string layer, long owner) => new(CacheEventKind.Offer, layer, owner);
    public static CacheEvent Evaluated(EvaluatedModel model) => new(CacheEventKind.Evaluated, "", model.Id, model);
}
