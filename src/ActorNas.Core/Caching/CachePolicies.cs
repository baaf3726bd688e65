namespace ActorNas.Core.Caching;

/// <summary>The options a policy may read (HOCON: the weight cache's policy settings).</summary>
/// <param name="Window">W: donor choices in donor-popularity's sliding window.</param>
/// <param name="Population">P of the search (actornas.search.population-size): how long donor-popularity expects a model to live.</param>
/// <param name="Sample">S of the search (actornas.search.sample-size): donor-popularity's tournament odds.</param>
public sealed record CachePolicySettings(
    int Window = DonorPopularityPolicy.DefaultWindow,
    int Population = DonorPopularityPolicy.DefaultPopulation,
    int Sample = DonorPopularityPolicy.DefaultSample);

/// <summary>
/// Creates an online policy from its name as written in HOCON (<c>actornas.weight-cache.policy</c>): none, lru, lfu,
/// donor-popularity. The live WeightCache and the offline cache study both create their policies here.
/// </summary>
public static class CachePolicies
{
    public const string None = "none";
    public const string Lru = "lru";
    public const string Lfu = "lfu";
    public const string DonorPopularity = "donor-popularity";

    public static readonly IReadOnlyList<string> Names = [None, Lru, Lfu, DonorPopularity];

    /// <exception cref="ArgumentException">An unknown name, a window or population below 1, or a sample outside 1..population.</exception>
    public static ICachePolicy Create(string name, CachePolicySettings? options = null)
    {
        options ??= new CachePolicySettings();
        if (options.Window < 1)
            throw new ArgumentException($"the donor-popularity window must be at least 1 donor choice, got {options.Window}", nameof(options));
        if (options.Population < 1 || options.Sample < 1 || options.Sample > options.Population)
            throw new ArgumentException($"donor-popularity needs the search's population size >= 1 and sample size between 1 and it, " +
                $"got P = {options.Population}, S = {options.Sample}", nameof(options));
        return (name ?? "").Trim().ToLowerInvariant() switch
        {
            None => new NoCachePolicy(),
            Lru => new LruPolicy(),
            Lfu => new LfuPolicy(),
            DonorPopularity => new DonorPopularityPolicy(options.Window, options.Population, options.Sample),
            "belady" => throw new ArgumentException(
                $"belady needs the whole future request sequence, so it exists only in the offline cache study; pick one of {string.Join(", ", Names)}", nameof(name)),
            _ => throw new ArgumentException($"unknown cache policy \"{name}\"; pick one of {string.Join(", ", Names)}", nameof(name)),
        };
    }

    /// <summary>A policy with donor-popularity's window given directly (the weight cache's settings).</summary>
    public static ICachePolicy Create(string name, int donorWindow) => Create(name, new CachePolicySettings(donorWindow));
}
