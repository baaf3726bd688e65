using ActorNas.Torch.Data;
using Xunit;

namespace ActorNas.Torch.Tests.Data;

/// <summary>Whether Fashion-MNIST is at its standard place; the tests that need it skip, with the reason, where it is not.</summary>
internal static class FashionMnistAvailability
{
    public static bool Installed =>
        File.Exists(Path.Combine(DatasetLoader.DefaultFashionMnistDir, "train-images-idx3-ubyte.gz")) &&
        File.Exists(Path.Combine(DatasetLoader.DefaultFashionMnistDir, "train-labels-idx1-ubyte.gz"));

    public static void SkipIfMissing() => Skip.IfNot(Installed,
        $"Fashion-MNIST is not installed in {DatasetLoader.DefaultFashionMnistDir} (sudo apt-get install dataset-fashion-mnist)");
}
