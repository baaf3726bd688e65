using ActorNas.Torch.Data;

namespace ActorNas.Benchmarks;

/// <summary>
/// The images the training benchmarks use: Fashion-MNIST where Debian's package installed it, synthetic images for
/// --quick (CI's smoke runs) or where it is missing, with the note to print when it is.
/// </summary>
internal sealed record BenchImages(string Dataset, bool FashionInstalled)
{
    public static BenchImages Choose(bool quick)
    {
        var fashion = File.Exists(Path.Combine(DatasetLoader.DefaultFashionMnistDir, "train-images-idx3-ubyte.gz"));
        return new BenchImages(fashion && !quick ? DatasetLoader.FashionMnist : DatasetLoader.Synthetic, fashion);
    }

    /// <summary>What to add to the benchmark's first line: empty, or that synthetic images stand in for a missing Fashion-MNIST.</summary>
    public string Note => FashionInstalled ? "" : $" (Fashion-MNIST is not installed at {DatasetLoader.DefaultFashionMnistDir}: synthetic images)";
}
