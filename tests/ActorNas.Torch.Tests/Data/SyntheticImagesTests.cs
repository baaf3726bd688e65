using ActorNas.Torch.Data;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ActorNas.Torch.Tests.Data;

public sealed class SyntheticImagesTests(ITestOutputHelper output)
{
    private readonly ITestOutputHelper _output = output;

    [Fact]
    public void DeterministicPerSeed()
    {
        var a = SyntheticImages.Generate(50, 10, seed: 7);
        var b = SyntheticImages.Generate(50, 10, seed: 7);
        var c = SyntheticImages.Generate(50, 10, seed: 8);
        var d = SyntheticImages.Generate(50, 10, seed: 7, stream: 1);
        Assert.Equal(a.Pixels, b.Pixels);
        Assert.Equal(a.Labels, b.Labels);
        Assert.NotEqual(a.Pixels, c.Pixels);
        Assert.NotEqual(a.Pixels, d.Pixels);
        Assert.Equal(5, a.Labels.Count(l => l == 3)); // balanced
        Assert.Equal(SyntheticImages.ClassMeans(10, 1, 28, 28, 7), SyntheticImages.ClassMeans(10, 1, 28, 28, 7));

        using var first = DatasetLoader.Load(new DataSettings("synthetic", Seed: 3, TrainLimit: 100, ValidationLimit: 40));
        using var second = DatasetLoader.Load(new DataSettings("synthetic", Seed: 3, TrainLimit: 100, ValidationLimit: 40));
        Assert.True(first.Train.Images.eq(second.Train.Images).all().item<bool>());
        Assert.True(first.Validation.Labels.eq(second.Validation.Labels).all().item<bool>());
        Assert.Equal(new long[] { 100, 1, 28, 28 }, first.Train.Images.shape);
        Assert.Equal(new long[] { 40, 1, 28, 28 }, first.Validation.Images.shape);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(12345)]
    public void ClassesAreSeparable(long seed)
    {
        using var split = DatasetLoader.Load(new DataSettings("synthetic", Seed: seed));
        Assert.Equal(new long[] { 2000, 1, 28, 28 }, split.Train.Images.shape);
        Assert.Equal(new long[] { 500, 1, 28, 28 }, split.Validation.Images.shape);
        Assert.Equal(10, split.Train.Classes);
        Assert.Equal(ScalarType.Int64, split.Train.Labels.dtype);

        using var trainMean = split.Train.Images.mean([0, 2, 3]);
        using var trainStd = split.Train.Images.std([0, 2, 3], unbiased: false);
        Assert.Equal(0f, trainMean.item<float>(), 1e-4f);
        Assert.Equal(1f, trainStd.item<float>(), 1e-4f);

        // Nearest class mean (means from the training split) on the validation split.
        using var scope = NewDisposeScope();
        var train = split.Train.Images.flatten(1);
        var means = stack(Enumerable.Range(0, 10).Select(k => train[split.Train.Labels == k].mean([0])).ToArray());
        var predicted = cdist(split.Validation.Images.flatten(1), means).argmin(1);
        var accuracy = (predicted == split.Validation.Labels).to_type(ScalarType.Float32).mean().item<float>();
        Assert.True(accuracy > 0.9f, $"nearest class-mean accuracy {accuracy}");
        _output.WriteLine($"seed {seed}: nearest class-mean accuracy on validation {accuracy:P1}");
    }

    [Fact]
    public void ShapesOtherThanTheDefault()
    {
        var raw = SyntheticImages.Generate(20, 4, channels: 3, height: 8, width: 12, seed: 1);
        Assert.Equal((20, 3, 8, 12), (raw.Count, raw.Channels, raw.Height, raw.Width));
        Assert.All(raw.Labels, l => Assert.InRange(l, (byte)0, (byte)3));
    }
}
