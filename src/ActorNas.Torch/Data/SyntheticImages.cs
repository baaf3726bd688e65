using ActorNas.Core.Evolution;

namespace ActorNas.Torch.Data;

/// <summary>
/// Synthetic images for tests and smoke runs: not real data. Each class has its own mean image, a sinusoidal grating
/// with a class-specific orientation, frequency and phase (per channel), and every image is its class's mean plus
/// Gaussian pixel noise, clamped to 0-255. The gratings are local textures, so a small convolutional network learns
/// them within a few hundred steps, and the classes are separable (a nearest class-mean classifier gets nearly all
/// right). The class patterns depend only on the seed, the number of classes and the shape; the noise and the order of
/// the labels also depend on <c>stream</c>, so training and validation images of one seed share the patterns but not
/// the noise.
/// </summary>
public static class SyntheticImages
{
    public const double Contrast = 0.3;
    public const double NoiseStd = 0.15;

    public static RawImages Generate(int count, int classes, int channels = 1, int height = 28, int width = 28, long seed = 0, int stream = 0)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count));
        if (classes < 2) throw new ArgumentOutOfRangeException(nameof(classes), "at least two classes");
        if (channels <= 0 || height <= 0 || width <= 0) throw new ArgumentOutOfRangeException(nameof(channels), "the shape must be positive");
        var imageSize = channels * height * width;
        if ((long)count * imageSize > Array.MaxLength) throw new ArgumentOutOfRangeException(nameof(count), "too many images for one array");

        var means = ClassMeans(classes, channels, height, width, seed);
        var random = new DeterministicRandom(DeterministicRandom.Mix(DeterministicRandom.Mix((ulong)seed ^ 0x5EED_0F_DA7AUL) + (ulong)(uint)stream + 1));

        // Balanced classes in a shuffled order.
        var labels = new byte[count];
        for (var i = 0; i < count; i++) labels[i] = (byte)(i % classes);
        for (var i = count - 1; i > 0; i--)
        {
            var j = random.NextInt(i + 1);
            (labels[i], labels[j]) = (labels[j], labels[i]);
        }

        var pixels = new byte[(long)count * imageSize];
        for (var i = 0; i < count; i++)
        {
            var mean = means[labels[i]];
            var offset = (long)i * imageSize;
            for (var p = 0; p < imageSize; p++)
            {
                var value = mean[p] + NoiseStd * random.NextGaussian();
                pixels[offset + p] = (byte)Math.Round(255.0 * Math.Clamp(value, 0.0, 1.0));
            }
        }
        return new RawImages($"synthetic (seed {seed}, stream {stream})", count, channels, height, width, pixels, labels);
    }

    /// <summary>The mean image of every class, values in [0.5 - <see cref="Contrast"/>, 0.5 + <see cref="Contrast"/>], (C, H, W) row-major.</summary>
    public static double[][] ClassMeans(int classes, int channels, int height, int width, long seed)
    {
        var random = new DeterministicRandom(DeterministicRandom.Mix((ulong)seed ^ 0xC1A5_5E5UL));
        var means = new double[classes][];
        for (var k = 0; k < classes; k++)
        {
            // Orientations spread evenly over a half turn (a grating at angle a + pi is the same one), then jittered.
            var angle = Math.PI * (k + 0.3 * random.NextDouble()) / classes;
            var cycles = 1.5 + 2.5 * random.NextDouble();
            var phase = 2 * Math.PI * random.NextDouble();
            var (fx, fy) = (cycles * Math.Cos(angle) / width, cycles * Math.Sin(angle) / height);
            var mean = new double[channels * height * width];
            for (var c = 0; c < channels; c++)
            {
                var channelPhase = phase + 2 * Math.PI * c / channels;
                for (var y = 0; y < height; y++)
                    for (var x = 0; x < width; x++)
                        mean[(c * height + y) * width + x] = 0.5 + Contrast * Math.Sin(2 * Math.PI * (fx * x + fy * y) + channelPhase);
            }
            means[k] = mean;
        }
        return means;
    }
}
