using ActorNas.Core.Caching;

namespace ActorNas.Analysis.Caching;

/// <summary>One policy at one capacity: hits of the replayed requests.</summary>
public sealed record CacheStudyRow(string Policy, double Fraction, long Capacity, long Hits, long Requests, long Evictions)
{
    public double HitRatio => Requests == 0 ? double.NaN : (double)Hits / Requests;
}

/// <summary>
/// Section 5: the cache study. The search's layer requests (see <see cref="CacheTrace"/>) replayed against every
/// online policy and Belady's rule at capacities given as fractions of all stored layers (distinct layers offered
/// over the search), each layer counting as one. Hit ratio = hits / requests.
/// </summary>
/// <param name="Payload">The unit counted: <c>layer</c>, or <c>checkpoint</c> for a command-evaluator search.</param>
public sealed record CacheStudy(int Requests, int DistinctOffered, int Window, IReadOnlyList<double> Fractions, IReadOnlyList<CacheStudyRow> Rows,
    string Payload = "layer")
{
    public const string Belady = "belady";
    public static readonly IReadOnlyList<double> DefaultFractions = [0.01, 0.05, 0.10, 0.25];
    public static readonly IReadOnlyList<string> OnlinePolicies = ["lru", "lfu", "donor-popularity"];
    public static IReadOnlyList<string> Policies => [.. OnlinePolicies, Belady];

    public CacheStudyRow Row(string policy, double fraction) =>
        Rows.FirstOrDefault(r => r.Policy == policy && r.Fraction.Equals(fraction))
        ?? throw new ArgumentException($"the study has no row for {policy} at {fraction}");

    /// <summary>A policy's hits as a fraction of Belady's at the same capacity (NaN when Belady has none).</summary>
    public double VsBelady(string policy, double fraction)
    {
        var belady = Row(Belady, fraction).Hits;
        return belady == 0 ? double.NaN : (double)Row(policy, fraction).Hits / belady;
    }

    /// <summary>Capacity in layers for a fraction of the stored layers: at least one layer when anything is stored.</summary>
    public static long CapacityFor(double fraction, int distinctOffered) =>
        distinctOffered == 0 ? 0 : Math.Max(1, (long)Math.Round(fraction * distinctOffered, MidpointRounding.AwayFromZero));

    public static CacheStudy Compute(LogFold fold, int window, IReadOnlyList<double>? fractions = null) =>
        Compute(CacheTrace.Of(fold), window, fractions);

    /// <param name="window">W of donor-popularity (donor choices).</param>
    public static CacheStudy Compute(CacheTrace trace, int window, IReadOnlyList<double>? fractions = null)
    {
        ArgumentNullException.ThrowIfNull(trace);
        fractions ??= DefaultFractions;
        if (fractions.Any(f => !(f is > 0 and <= 1))) throw new ArgumentException("cache capacities must be fractions in (0, 1]", nameof(fractions));
        var options = new CachePolicySettings(window, trace.PopulationSize, trace.SampleSize);
        var future = new BeladyFuture(trace.RequestSequence);
        // donor-popularity's expected requests depend only on the evaluations heard: one forecast serves every capacity
        // (measured against one forecast per cache, and per core, on two cores: docs/benchmarks.md)
        var forecast = new DonorForecast(options.Population, options.Sample);
        var runs = new List<(string Policy, double Fraction, LayerCacheBook Book)>();
        foreach (var fraction in fractions)
        {
            var capacity = CapacityFor(fraction, trace.DistinctOffered);
            foreach (var policy in OnlinePolicies)
            {
                var chosen = policy == CachePolicies.DonorPopularity ? new DonorPopularityPolicy(options.Window, forecast) : CachePolicies.Create(policy, options);
                runs.Add((policy, fraction, new LayerCacheBook(capacity * CacheReplay.LayerBytes, chosen)));
            }
            runs.Add((Belady, fraction, new LayerCacheBook(capacity * CacheReplay.LayerBytes, new BeladyPolicy(future, capacity))));
        }
        // every other cache replays the (read-only) trace on a thread of its own; those sharing the forecast replay in
        // step on one, started first (the longest)
        var sharing = runs.Where(r => r.Policy == CachePolicies.DonorPopularity).Select(r => r.Book).ToList();
        var groups = runs.Where(r => r.Policy != CachePolicies.DonorPopularity).Select(r => (IReadOnlyList<LayerCacheBook>)[r.Book]).Prepend(sharing);
        Parallel.ForEach(groups, books => CacheReplay.Run(trace.Events(), books));
        var rows = runs.Select(r => new CacheStudyRow(r.Policy, r.Fraction, r.Book.CapacityBytes / CacheReplay.LayerBytes, r.Book.Hits,
            r.Book.Hits + r.Book.Misses, r.Book.Evictions)).ToList();
        return new CacheStudy(trace.Requests, trace.DistinctOffered, window, fractions, rows, trace.Payload);
    }
}
