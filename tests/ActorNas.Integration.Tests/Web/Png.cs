using System.Buffers.Binary;
using System.IO.Compression;

namespace ActorNas.Integration.Tests.Web;

/// <summary>Just enough of PNG to check a screenshot: its size, and how many distinct colours its pixels hold.</summary>
internal static class Png
{
    public static (int Width, int Height) Size(byte[] png)
    {
        Assert.True(png.Length > 24 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', "not a PNG");
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    /// <summary>Distinct RGB(A) pixel values, up to <paramref name="cap"/>; only 8-bit RGB or RGBA images (what Chromium writes).</summary>
    public static int DistinctColours(byte[] png, int cap = 1000)
    {
        var (width, height) = Size(png);
        var bitDepth = png[24];
        var colourType = png[25];
        Assert.True(bitDepth == 8 && colourType is 2 or 6, $"PNG of bit depth {bitDepth}, colour type {colourType}: not handled here");
        var channels = colourType == 6 ? 4 : 3;
        using var idat = new MemoryStream();
        for (var at = 8; at < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            if (type == "IDAT") idat.Write(png, at + 8, length);
            at += 12 + length;
        }
        idat.Position = 0;
        using var inflate = new ZLibStream(idat, CompressionMode.Decompress);
        var stride = width * channels;
        var previous = new byte[stride];
        var row = new byte[stride];
        var colours = new HashSet<int>();
        for (var y = 0; y < height && colours.Count < cap; y++)
        {
            var filter = inflate.ReadByte();
            inflate.ReadExactly(row);
            Unfilter(filter, row, previous, channels);
            for (var x = 0; x < stride; x += channels) colours.Add(row[x] << 16 | row[x + 1] << 8 | row[x + 2]);
            (previous, row) = (row, previous);
        }
        return colours.Count;
    }

    private static void Unfilter(int filter, byte[] row, byte[] previous, int bpp)
    {
        for (var i = 0; i < row.Length; i++)
        {
            int left = i >= bpp ? row[i - bpp] : 0, up = previous[i], upLeft = i >= bpp ? previous[i - bpp] : 0;
            row[i] = (byte)(row[i] + filter switch
            {
                0 => 0,
                1 => left,
                2 => up,
                3 => (left + up) / 2,
                4 => Paeth(left, up, upLeft),
                _ => throw new InvalidDataException($"PNG filter {filter}"),
            });
        }
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
