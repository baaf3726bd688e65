namespace ActorNas.Core.Caching;

/// <summary>Cache policies by the name used in HOCON (<c>actornas.weight-cache.policy</c>).</summary>
public static class CachePolicies
{
    public const string None = "none";
    public const string Lru = "lru";

    public static readonly IReadOnlyList<string> Names = [None, Lru];

    /// <summary>
    /// A fresh policy. <paramref name="donorWindow"/> is the sliding window (in proposals) of the donor-popularity policy.
    /// Throws <see cref="ArgumentException"/> naming the choices for an unknown name.
    /// </summary>
    public static ICachePolicy Create(string name, int donorWindow)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(donorWindow, 1);
        return (name ?? "").Trim().ToLowerInvariant() switch
        {
            None => new NoCachePolicy(),
            Lru => new LruPolicy(),
            _ => throw new ArgumentException($"unknown cache policy \"{name}\"; policies: {string.Join(", ", Names)}"),
        };
    }
}
