namespace ActorNas.Core.Caching;

/// <summary>
/// A model whose evaluation just finished, as a weight cache hears of it before the model's layers are offered: its
/// candidate id, its parent (none for a random candidate), the search's objective for it (higher is better) and the
/// identities of its layers in network order (the first layer first).
/// </summary>
public sealed record EvaluatedModel(long Id, long? ParentId, double Objective, IReadOnlyList<string> Layers);
