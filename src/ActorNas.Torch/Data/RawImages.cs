namespace ActorNas.Torch.Data;

/// <summary>
/// Images as read from disk, before they become tensors: <see cref="Pixels"/> holds <see cref="Count"/> images of
/// <see cref="Channels"/> x <see cref="Height"/> x <see cref="Width"/> bytes (0-255), channel-major and row-major
/// (the layout of a (N, C, H, W) tensor); <see cref="Labels"/> holds one class index per image.
/// </summary>
public sealed class RawImages
{
    public RawImages(string source, int count, int channels, int height, int width, byte[] pixels, byte[] labels)
    {
        if (count < 0 || channels <= 0 || height <= 0 || width <= 0)
            throw new ArgumentException($"{source}: bad shape ({count}, {channels}, {height}, {width})");
        if ((long)count * channels * height * width != pixels.LongLength)
            throw new ArgumentException($"{source}: {pixels.LongLength} pixel bytes for {count} images of {channels}x{height}x{width}");
        if (labels.Length != count)
            throw new ArgumentException($"{source}: {labels.Length} labels for {count} images");
        Source = source;
        Count = count;
        Channels = channels;
        Height = height;
        Width = width;
        Pixels = pixels;
        Labels = labels;
    }

    /// <summary>Where the images came from (file names), for messages.</summary>
    public string Source { get; }
    public int Count { get; }
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public int ImageBytes => Channels * Height * Width;
    public byte[] Pixels { get; }
    public byte[] Labels { get; }

    /// <summary>The byte at (image, channel, row, column).</summary>
    public byte Pixel(int image, int channel, int row, int column) =>
        Pixels[(((long)image * Channels + channel) * Height + row) * Width + column];
}
