namespace ActorNas.Actors.Configuration;

/// <summary>
/// The WeightCache of a node (HOCON <c>actornas.weight-cache</c>).
/// </summary>
/// <param name="Policy">none, lru, lfu or donor-popularity; see <see cref="Core.Caching.CachePolicies"/>.</param>
/// <param name="MemoryBytes">Capacity of the memory tier, in encoded layer bytes.</param>
/// <param name="DiskPath">Directory of the disk tier; empty: no disk tier.</param>
/// <param name="DiskBytes">Capacity of the disk tier.</param>
/// <param name="DonorWindow">The donor-popularity policy's sliding window, in proposals.</param>
/// <param name="FetchTimeout">How long a transfer from another node may stay silent before it counts as a miss.</param>
/// <param name="ChunkBytes">Bytes per chunk of a transfer (kept well under akka.remote.dot-netty.tcp.maximum-frame-size).</param>
/// <param name="ChunkWindow">Chunks a receiver lets the sender have in flight.</param>
/// <param name="Population">P of the search (actornas.search.population-size), for donor-popularity's predictions.</param>
/// <param name="Sample">S of the search (actornas.search.sample-size), for donor-popularity's predictions.</param>
public sealed record WeightCacheSettings(
    string Policy = "lru",
    long MemoryBytes = 512L << 20,
    string DiskPath = "",
    long DiskBytes = 0,
    int DonorWindow = 100,
    TimeSpan? FetchTimeout = null,
    int ChunkBytes = 64 * 1024,
    int ChunkWindow = 8,
    int Population = Core.Caching.DonorPopularityPolicy.DefaultPopulation,
    int Sample = Core.Caching.DonorPopularityPolicy.DefaultSample)
{
    /// <summary>The largest chunk: the frame also carries the manifest and a small header.</summary>
    public const int MaxChunkBytes = 120_000;

    public TimeSpan Timeout => FetchTimeout ?? TimeSpan.FromSeconds(10);

    /// <summary>
    /// The largest layer a transfer from another node may announce (actornas.weight-cache.max-layer-mb): the receiver
    /// allocates what the sender announces, so a peer that declares a huge size is refused instead of believed.
    /// </summary>
    public long MaxLayerBytes { get; init; } = 1024L << 20;

    /// <summary>
    /// Disk for the parents' checkpoints the command evaluator fetched from other nodes (actornas.weight-cache.checkpoint-copies-mb):
    /// beyond it the oldest copies are deleted; 0 fetches none.
    /// </summary>
    public long CheckpointCopiesBytes { get; init; } = 2048L << 20;

    /// <summary>The options the node's cache policy is created with.</summary>
    public Core.Caching.CachePolicySettings PolicyOptions => new(DonorWindow, Population, Sample);

    /// <summary>How long a node that left a pull unanswered is not asked again: ten fetch timeouts.</summary>
    public static TimeSpan SilentNodePause(TimeSpan fetchTimeout) => 10 * fetchTimeout;

    /// <summary>Reads <c>actornas.weight-cache</c>.</summary>
    // donor-popularity reads the search's P and S (actornas.search) to predict its donor choices
    internal static WeightCacheSettings Read(SettingsReader reader, int memoryMb, Core.Evolution.SearchSettings search)
    {
        var policy = reader.String("weight-cache.policy").Trim().ToLowerInvariant();
        var window = reader.Int("weight-cache.donor-window", min: 1);
        try
        {
            Core.Caching.CachePolicies.Create(policy, new Core.Caching.CachePolicySettings(window, search.PopulationSize, search.SampleSize));
        }
        catch (ArgumentException e)
        {
            throw new SettingsException($"actornas.weight-cache.policy: {e.Message}");
        }
        var chunk = reader.Int("weight-cache.chunk-bytes", min: 1024);
        if (chunk > WeightCacheSettings.MaxChunkBytes)
            throw new SettingsException($"actornas.weight-cache.chunk-bytes = {chunk} is out of range; it must be between 1024 and " +
                $"{WeightCacheSettings.MaxChunkBytes} (a chunk must fit akka.remote.dot-netty.tcp.maximum-frame-size, 128000 by default)");
        var timeout = reader.Duration("weight-cache.fetch-timeout");
        if (timeout <= TimeSpan.Zero) throw new SettingsException("actornas.weight-cache.fetch-timeout must be positive, such as 30s");
        return new WeightCacheSettings(
            policy,
            memoryMb * (1L << 20),
            reader.String("weight-cache.disk.path", allowEmpty: true),
            reader.Int("weight-cache.disk.capacity-mb", min: 0) * (1L << 20),
            window,
            timeout,
            chunk,
            reader.Int("weight-cache.chunk-window", min: 1),
            search.PopulationSize,
            search.SampleSize)
        {
            MaxLayerBytes = reader.Int("weight-cache.max-layer-mb", min: 1) * (1L << 20),
            CheckpointCopiesBytes = reader.Int("weight-cache.checkpoint-copies-mb", min: 0) * (1L << 20),
        };
    }
}
