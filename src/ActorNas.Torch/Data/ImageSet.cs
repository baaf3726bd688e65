using TorchSharp;
using static TorchSharp.torch;

namespace ActorNas.Torch.Data;

/// <summary>
/// Labelled images as tensors on the CPU: <see cref="Images"/> float32 (N, C, H, W), normalised; <see cref="Labels"/>
/// int64 (N). Owns its tensors.
/// </summary>
public sealed class ImageSet : IDisposable
{
    public ImageSet(string name, Tensor images, Tensor labels, int classes)
    {
        if (images.dim() != 4) throw new ArgumentException($"images must be (N, C, H, W), got {images.dim()} dimensions");
        if (labels.shape[0] != images.shape[0]) throw new ArgumentException($"{images.shape[0]} images but {labels.shape[0]} labels");
        Name = name;
        Images = images;
        Labels = labels;
        Classes = classes;
    }

    public string Name { get; }
    public Tensor Images { get; }
    public Tensor Labels { get; }
    public int Classes { get; }
    public int Count => (int)Images.shape[0];
    public int Channels => (int)Images.shape[1];
    public int Height => (int)Images.shape[2];
    public int Width => (int)Images.shape[3];

    /// <summary>
    /// The per-channel mean and standard deviation (of pixels scaled to [0, 1]) that were subtracted and divided out
    /// to normalise <see cref="Images"/>: those of the training split, for both splits. Empty when not recorded.
    /// </summary>
    public IReadOnlyList<float> ChannelMean { get; init; } = [];

    /// <inheritdoc cref="ChannelMean"/>
    public IReadOnlyList<float> ChannelStd { get; init; } = [];

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}

/// <summary>The training and validation images of one dataset. The validation images are never trained on.</summary>
public sealed record DataSplit(ImageSet Train, ImageSet Validation) : IDisposable
{
    public void Dispose()
    {
        Train.Dispose();
        Validation.Dispose();
    }
}

/// <summary>Which data to train on.</summary>
/// <param name="Dataset">fashion-mnist, cifar10 or synthetic.</param>
/// <param name="DataDir">Where the files are; null: the dataset's standard place (Fashion-MNIST: Debian's package).</param>
/// <param name="TrainLimit">Use only the first this many training images (0: all).</param>
/// <param name="ValidationLimit">Use only this many validation images (0: all).</param>
public sealed record DataSettings(string Dataset = "fashion-mnist", string? DataDir = null, int TrainLimit = 0, int ValidationLimit = 0, long Seed = 0);

/// <summary>Data that cannot be read: the message says what is missing and how to get it.</summary>
public sealed class DatasetException(string message) : Exception(message);
