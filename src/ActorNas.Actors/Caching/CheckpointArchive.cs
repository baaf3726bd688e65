using System.Buffers.Binary;
using System.Text;

namespace ActorNas.Actors.Caching;

/// <summary>
/// A candidate's checkpoint folder as one byte payload, so that it travels between nodes by the weight cache's chunked
/// pull like a layer: per file (in ordinal order of the relative path) its path with '/' separators, its length and its
/// bytes. Unpacking refuses paths that would leave the target folder, and writes beside the target before renaming, so a
/// reader never sees half a checkpoint.
/// </summary>
public static class CheckpointArchive
{
    private const uint Magic = 0x4B434E41;   // "ANCK"
    private const int Version = 1;

    /// <summary>The folder's files packed; null when the folder is missing or empty, or holds more than <paramref name="limit"/> bytes.</summary>
    /// <exception cref="IOException">A file could not be read.</exception>
    public static byte[]? Pack(string folder, long limit)
    {
        if (!Directory.Exists(folder)) return null;
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => (Full: f, Relative: Path.GetRelativePath(folder, f).Replace(Path.DirectorySeparatorChar, '/')))
            .OrderBy(f => f.Relative, StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0) return null;
        var size = 12L + files.Sum(f => 4 + Encoding.UTF8.GetByteCount(f.Relative) + 8 + new FileInfo(f.Full).Length);
        if (size > limit || size > Array.MaxLength) return null;

        using var buffer = new MemoryStream((int)size);
        Span<byte> number = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(number, Magic);
        buffer.Write(number[..4]);
        BinaryPrimitives.WriteInt32LittleEndian(number, Version);
        buffer.Write(number[..4]);
        BinaryPrimitives.WriteInt32LittleEndian(number, files.Count);
        buffer.Write(number[..4]);
        foreach (var (full, relative) in files)
        {
            var name = Encoding.UTF8.GetBytes(relative);
            var data = File.ReadAllBytes(full);
            BinaryPrimitives.WriteInt32LittleEndian(number, name.Length);
            buffer.Write(number[..4]);
            buffer.Write(name);
            BinaryPrimitives.WriteInt64LittleEndian(number, data.LongLength);
            buffer.Write(number);
            buffer.Write(data);
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// Writes the packed files into <paramref name="folder"/> (created; an existing empty folder is replaced). When the
    /// folder already holds files, it is left as it is (another copy arrived first) and false is returned.
    /// </summary>
    /// <exception cref="InvalidDataException">The payload is not a checkpoint archive, or names a path outside the folder.</exception>
    /// <exception cref="IOException">The files could not be written.</exception>
    public static bool Unpack(ReadOnlySpan<byte> archive, string folder)
    {
        var files = Read(archive);
        folder = Path.GetFullPath(folder);
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any()) return false;
        var incoming = folder + ".incoming-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            foreach (var (relative, data) in files)
            {
                var path = Path.Combine(incoming, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllBytes(path, data);
            }
            if (Directory.Exists(folder)) Directory.Delete(folder);
            Directory.Move(incoming, folder);
            return true;
        }
        finally
        {
            if (Directory.Exists(incoming)) Directory.Delete(incoming, recursive: true);
        }
    }

    private static List<(string Relative, byte[] Data)> Read(ReadOnlySpan<byte> archive)
    {
        if (archive.Length < 12 || BinaryPrimitives.ReadUInt32LittleEndian(archive) != Magic
                                || BinaryPrimitives.ReadInt32LittleEndian(archive[4..]) != Version)
            throw new InvalidDataException("not a checkpoint archive of this version");
        var count = BinaryPrimitives.ReadInt32LittleEndian(archive[8..]);
        var files = new List<(string, byte[])>();
        var at = 12;
        for (var i = 0; i < count; i++)
        {
            if (archive.Length - at < 4) throw Truncated();
            var nameLength = BinaryPrimitives.ReadInt32LittleEndian(archive[at..]);
            at += 4;
            if (nameLength <= 0 || archive.Length - at < nameLength + 8) throw Truncated();
            var relative = Encoding.UTF8.GetString(archive.Slice(at, nameLength));
            at += nameLength;
            var length = BinaryPrimitives.ReadInt64LittleEndian(archive[at..]);
            at += 8;
            if (length < 0 || archive.Length - at < length) throw Truncated();
            CheckPath(relative);
            files.Add((relative, archive.Slice(at, (int)length).ToArray()));
            at += (int)length;
        }
        if (at != archive.Length) throw new InvalidDataException($"{archive.Length - at} bytes after the last file of a checkpoint archive");
        return files;
    }

    /// <summary>A relative path of plain names: no root, no "." or "..", no empty part, no backslash.</summary>
    private static void CheckPath(string relative)
    {
        if (relative.Contains('\\', StringComparison.Ordinal) || relative.Contains('\0', StringComparison.Ordinal)
            || relative.Split('/').Any(part => part.Length == 0 || part is "." or ".."))
            throw new InvalidDataException($"a checkpoint archive names the path \"{relative}\", which would leave its folder");
    }

    private static InvalidDataException Truncated() => new("a checkpoint archive is truncated");
}
