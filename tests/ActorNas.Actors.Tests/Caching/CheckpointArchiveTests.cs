using System.Buffers.Binary;
using System.Text;
using ActorNas.Actors.Caching;
using Xunit;

namespace ActorNas.Actors.Tests.Caching;

public sealed class CheckpointArchiveTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "actornas-archive-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private string Write(string relative, byte[] data)
    {
        var path = Path.Combine(_dir, "source", relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, data);
        return path;
    }

    [Fact]
    public void A_folder_with_subfolders_and_an_empty_file_comes_back_byte_for_byte()
    {
        var blob = new byte[200_000];
        new Random(3).NextBytes(blob);
        Write("layers.pt", blob);
        Write("meta/info.json", Encoding.UTF8.GetBytes("{\"epoch\": 3}"));
        Write("empty", []);

        var packed = CheckpointArchive.Pack(Path.Combine(_dir, "source"), long.MaxValue)!;
        var target = Path.Combine(_dir, "copy");
        Assert.True(CheckpointArchive.Unpack(packed, target));

        Assert.Equal(blob, File.ReadAllBytes(Path.Combine(target, "layers.pt")));
        Assert.Equal("{\"epoch\": 3}", File.ReadAllText(Path.Combine(target, "meta", "info.json")));
        Assert.Empty(File.ReadAllBytes(Path.Combine(target, "empty")));
        Assert.Equal(["copy", "source"], Directory.GetDirectories(_dir).Select(Path.GetFileName).Order());   // no temporary left
        // a folder that already holds files is left as it is
        Assert.False(CheckpointArchive.Unpack(packed, Path.Combine(_dir, "source")));
    }

    [Fact]
    public void An_empty_missing_or_too_large_folder_packs_to_nothing()
    {
        Assert.Null(CheckpointArchive.Pack(Path.Combine(_dir, "missing"), long.MaxValue));
        Directory.CreateDirectory(Path.Combine(_dir, "source"));
        Assert.Null(CheckpointArchive.Pack(Path.Combine(_dir, "source"), long.MaxValue));
        Write("layers.pt", new byte[1000]);
        Assert.Null(CheckpointArchive.Pack(Path.Combine(_dir, "source"), 1000));
        Assert.NotNull(CheckpointArchive.Pack(Path.Combine(_dir, "source"), 2000));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("/etc/passwd")]
    [InlineData("a/../../b")]
    [InlineData("a//b")]
    [InlineData("a\\b")]
    public void A_path_that_would_leave_the_folder_is_refused_and_nothing_is_written(string path)
    {
        var name = Encoding.UTF8.GetBytes(path);
        var archive = new byte[12 + 4 + name.Length + 8 + 1];
        BinaryPrimitives.WriteUInt32LittleEndian(archive, 0x4B434E41);
        BinaryPrimitives.WriteInt32LittleEndian(archive.AsSpan(4), 1);
        BinaryPrimitives.WriteInt32LittleEndian(archive.AsSpan(8), 1);
        BinaryPrimitives.WriteInt32LittleEndian(archive.AsSpan(12), name.Length);
        name.CopyTo(archive, 16);
        BinaryPrimitives.WriteInt64LittleEndian(archive.AsSpan(16 + name.Length), 1);

        var target = Path.Combine(_dir, "inner", "copy");
        Assert.Throws<InvalidDataException>(() => CheckpointArchive.Unpack(archive, target));
        Assert.False(Directory.Exists(Path.Combine(_dir, "inner")));
        Assert.Throws<InvalidDataException>(() => CheckpointArchive.Unpack(archive.AsSpan(0, archive.Length - 1), target));   // truncated
    }
}
