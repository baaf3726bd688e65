namespace ActorNas.Core.Spaces.Hierarchical;

/// <summary>
/// Settings of the hierarchical space, read from <c>actornas.space.hierarchical</c>. The defaults are the CPU-sized
/// FaDE setting for Fashion-MNIST: 3 stages with 4, 8, 16 channels, max pools 4, 2, 2 (padding 1 at the second:
/// 28 → 7 → 4 → 2), cell graphs of up to 4 vertices, 3x3 convolutions, normalised sums.
/// </summary>
public sealed record HierarchicalSpaceSettings
{
    public const string Section = "actornas.space.hierarchical";

    /// <summary>S: stages in the chain; each is a conv, one cell graph and a pool. A genotype has one position per stage.</summary>
    public int Stages { get; init; } = 3;
    /// <summary>n: the most internal vertices a cell graph may have (graphs with 1..n vertices are in the catalogue).</summary>
    public int Vertices { get; init; } = 4;
    /// <summary>Output channels of each stage's conv (and of its cell's edges), one per stage.</summary>
    public IReadOnlyList<int> Channels { get; init; } = [4, 8, 16];
    /// <summary>Max-pool size (and stride) after each stage's cell, one per stage; 1 = no pooling.</summary>
    public IReadOnlyList<int> Pools { get; init; } = [4, 2, 2];
    /// <summary>Zero padding of each stage's pool, one per stage (at most half the pool size).</summary>
    public IReadOnlyList<int> PoolPadding { get; init; } = [0, 1, 0];
    /// <summary>Kernel size of every conv (odd, "same" padding).</summary>
    public int Kernel { get; init; } = 3;
    /// <summary>Whether a vertex's sum is divided by its root mean square over the example, sqrt(mean(x²) + 1e-5).</summary>
    public bool Normalise { get; init; } = true;
    /// <summary>Channels of the input image (1 for Fashion-MNIST, 3 for CIFAR-10).</summary>
    public int InputChannels { get; init; } = 1;
    /// <summary>Height and width of the (square) input image.</summary>
    public int ImageSize { get; init; } = 28;
    /// <summary>Classes the linear head predicts.</summary>
    public int Classes { get; init; } = 10;

    public bool Equals(HierarchicalSpaceSettings? other) =>
        other is not null && Stages == other.Stages && Vertices == other.Vertices && Kernel == other.Kernel
        && Normalise == other.Normalise && InputChannels == other.InputChannels && ImageSize == other.ImageSize
        && Classes == other.Classes && Channels.SequenceEqual(other.Channels) && Pools.SequenceEqual(other.Pools)
        && PoolPadding.SequenceEqual(other.PoolPadding);

    public override int GetHashCode() => HashCode.Combine(Stages, Vertices, Kernel, Normalise, ImageSize, Channels.Count);

    /// <summary>The image size after each stage's pool (index 0 = the input).</summary>
    public IReadOnlyList<int> Sizes()
    {
        var sizes = new List<int> { ImageSize };
        for (var s = 0; s < Stages; s++) sizes.Add(PooledSize(sizes[s], Pools[s], PoolPadding[s]));
        return sizes;
    }

    private static int PooledSize(int size, int pool, int padding) =>
        size + 2 * padding < pool ? 0 : (size + 2 * padding - pool) / pool + 1;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad key, its value and what would fit.</summary>
    public void Validate()
    {
        Require(Stages >= 1, "stages", $"must be >= 1, got {Stages}");
        Require(Vertices >= 2 && Vertices <= CellGraph.MaxVertices, "vertices",
            $"must be in 2..{CellGraph.MaxVertices} (1 leaves nothing to mutate; more is too slow to deduplicate by brute force), got {Vertices}");
        Require(Kernel >= 1 && Kernel % 2 == 1, "kernel", $"must be an odd number >= 1 (\"same\" padding), got {Kernel}");
        Require(InputChannels >= 1, "input-channels", $"must be >= 1, got {InputChannels}");
        Require(ImageSize >= 1, "image-size", $"must be >= 1, got {ImageSize}");
        Require(Classes >= 1, "classes", $"must be >= 1, got {Classes}");
        PerStage(Channels, "channels");
        PerStage(Pools, "pools");
        PerStage(PoolPadding, "pool-padding");
        for (var s = 0; s < Stages; s++)
        {
            Require(Channels[s] >= 1, "channels", $"stage {s + 1} has {Channels[s]} channels; every stage needs >= 1");
            Require(Pools[s] >= 1, "pools", $"stage {s + 1} has pool {Pools[s]}; every pool must be >= 1 (1 = no pooling)");
            Require(PoolPadding[s] >= 0 && 2 * PoolPadding[s] <= Pools[s], "pool-padding",
                $"stage {s + 1} has padding {PoolPadding[s]} for pool {Pools[s]}; padding must be in 0..{Pools[s] / 2} (half the pool)");
        }
        var sizes = new List<int> { ImageSize };
        for (var s = 0; s < Stages; s++)
        {
            var next = PooledSize(sizes[s], Pools[s], PoolPadding[s]);
            Require(next >= 1, "pools",
                $"stage {s + 1}'s pool {Pools[s]} (padding {PoolPadding[s]}) shrinks the {sizes[s]}x{sizes[s]} image below 1 pixel " +
                $"(sizes {string.Join(" -> ", sizes)}); use smaller pools, more padding or fewer stages");
            sizes.Add(next);
        }
    }

    private void PerStage(IReadOnlyList<int> list, string key) =>
        Require(list is not null && list.Count == Stages, key,
            $"needs one value per stage ({Stages} stages), got {list?.Count ?? 0}: [{string.Join(", ", list ?? [])}]");

    private static void Require(bool ok, string key, string problem)
    {
        if (!ok) throw new ArgumentException($"{Section}.{key} {problem}");
    }
}
