namespace ActorNas.Core.Caching;

/// <summary>The options a policy may read (HOCON: the weight cache's policy settings).</summary>
/// <param name="Window">W: donor choices in donor-popularity's sliding window.</param>
public sealed record CachePolicyOptions(int Window = DonorPopularityPolicy.DefaultWindow);

/// <summary>Creates an online policy from its name (none, lru, lfu, donor-popularity) as written in HOCON.</summary>
public static class CachePolicies
{
    public static readonly IReadOnlyList<string> Names = ["none", "lru", "lfu", "donor-popularity"];

    /// <exception cref="ArgumentException">An unknown name, or a window below 1.</exception>
    public static ICachePolicy Create(string name, CachePolicyOptions? options = null)
    {
        options ??= new CachePolicyOptions();
        if (options.Window < 1)
            throw new ArgumentException($"the donor-popularity window must be at least 1 donor choice, got {options.Window}", nameof(options));
        return name switch
        {
            "none" => new NoCachePolicy(),
            "lru" => new LruPolicy(),
            "lfu" => new LfuPolicy(),
            "donor-popularity" => new DonorPopularityPolicy(options.Window),
            "belady" => throw new ArgumentException(
                "belady needs the whole future request sequence, so it exists only in the offline cache study; pick one of none, lru, lfu, donor-popularity", nameof(name)),
            _ => throw new ArgumentException($"unknown cache policy \"{name}\"; pick one of none, lru, lfu, donor-popularity", nameof(name)),
        };
    }
}
