using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using ActorNas.Core.Caching;

namespace ActorNas.Actors.Caching;

/// <summary>
/// The optional second tier of a weight cache: layers evicted from memory are spilled to files in one directory, up to
/// a capacity in bytes (the least recently used file goes first), and read back on a hit. Every read verifies the
/// checksum: a corrupted, truncated or missing file is a miss, reported through <c>warn</c> and dropped, never a crash
/// and never a served tensor. The directory is scratch space of one process: files of an earlier run are removed at start.
/// Not thread-safe (its cache owns it).
/// </summary>
public sealed class LayerDiskTier : ISpillTier
{
    private const uint Magic = 0x434C4E41;   // "ANLC"
    private const int Version = 1;
    private const string Extension = ".layer";

    private readonly Dictionary<string, LinkedListNode<(string Layer, long Bytes)>> _files = [];
    private readonly LinkedList<(string Layer, long Bytes)> _recency = [];   // least recent first
    private readonly Action<string> _warn;

    public LayerDiskTier(string directory, long capacityBytes, Action<string> warn)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentOutOfRangeException.ThrowIfNegative(capacityBytes);
        Directory = Path.GetFullPath(directory);
        CapacityBytes = capacityBytes;
        _warn = warn;
        System.IO.Directory.CreateDirectory(Directory);
        foreach (var stale in System.IO.Directory.EnumerateFiles(Directory, "*" + Extension)) File.Delete(stale);
    }

    public string Directory { get; }
    public long CapacityBytes { get; }
    public long Bytes { get; private set; }
    public int Count => _files.Count;
    public long Corrupt { get; private set; }

    public bool Contains(string layer) => _files.ContainsKey(layer);

    public IEnumerable<string> Layers => _files.Keys;

    /// <summary>Writes a layer (replacing an older copy), evicting the least recently used files to stay within capacity.</summary>
    public void Put(LayerPayload payload)
    {
        Remove(payload.Layer);
        var bytes = payload.Bytes;
        if (bytes > CapacityBytes) return;
        while (Bytes + bytes > CapacityBytes && _recency.First is { } oldest) Remove(oldest.Value.Layer);
        var path = PathOf(payload.Layer);
        var temp = path + ".tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                stream.Write(Header(payload));
                stream.Write(payload.Data);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _warn($"weight cache: could not spill layer {payload.Layer} to {path}: {e.Message}");
            TryDelete(temp);
            return;
        }
        _files[payload.Layer] = _recency.AddLast((payload.Layer, bytes));
        Bytes += bytes;
    }

    /// <summary>Reads a layer back; null (a miss) when it is not here or its file is unreadable or corrupted.</summary>
    public LayerPayload? TryRead(string layer)
    {
        if (!_files.TryGetValue(layer, out var node)) return null;
        var path = PathOf(layer);
        var payload = Read(path, layer, out var problem);
        if (payload is null)
        {
            Corrupt++;
            _warn($"weight cache: spilled layer {layer} in {path} is {problem}; treated as a miss and dropped");
            Remove(layer);
            return null;
        }
        _recency.Remove(node);
        _recency.AddLast(node);
        return payload;
    }

    public bool Remove(string layer)
    {
        if (!_files.Remove(layer, out var node)) return false;
        _recency.Remove(node);
        Bytes -= node.Value.Bytes;
        TryDelete(PathOf(layer));
        return true;
    }

    private string PathOf(string layer) => FileOf(Directory, layer);

    /// <summary>Where a layer's file lives in a disk tier's directory (tests corrupt it on purpose).</summary>
    public static string FileOf(string directory, string layer) =>
        Path.Combine(Path.GetFullPath(directory), Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(layer)))[..32] + Extension);

    private static byte[] Header(LayerPayload payload)
    {
        var name = Encoding.UTF8.GetBytes(payload.Layer);
        var header = new byte[4 + 4 + 8 + 8 + 4 + name.Length + 8];
        var span = header.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], Version);
        BinaryPrimitives.WriteUInt64LittleEndian(span[8..], payload.Checksum);
        BinaryPrimitives.WriteInt64LittleEndian(span[16..], payload.Owner);
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], name.Length);
        name.CopyTo(span[28..]);
        BinaryPrimitives.WriteInt64LittleEndian(span[(28 + name.Length)..], payload.Data.LongLength);
        return header;
    }

    private static LayerPayload? Read(string path, string layer, out string problem)
    {
        byte[] file;
        try
        {
            file = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"unreadable ({e.GetType().Name}: {e.Message})";
            return null;
        }
        var span = file.AsSpan();
        problem = "truncated";
        if (span.Length < 28) return null;
        if (BinaryPrimitives.ReadUInt32LittleEndian(span) != Magic || BinaryPrimitives.ReadInt32LittleEndian(span[4..]) != Version)
        {
            problem = "not a layer file of this version";
            return null;
        }
        var checksum = BinaryPrimitives.ReadUInt64LittleEndian(span[8..]);
        var owner = BinaryPrimitives.ReadInt64LittleEndian(span[16..]);
        var nameLength = BinaryPrimitives.ReadInt32LittleEndian(span[24..]);
        if (nameLength < 0 || span.Length < 28 + nameLength + 8) return null;
        if (Encoding.UTF8.GetString(span.Slice(28, nameLength)) != layer)
        {
            problem = "another layer's file";
            return null;
        }
        var length = BinaryPrimitives.ReadInt64LittleEndian(span[(28 + nameLength)..]);
        var start = 28 + nameLength + 8;
        if (length != span.Length - start)
        {
            problem = $"{span.Length - start} bytes of data where {length} were written";
            return null;
        }
        var payload = new LayerPayload(layer, owner, span[start..].ToArray(), checksum);
        if (!payload.IsIntact())
        {
            problem = "corrupted (checksum mismatch)";
            return null;
        }
        return payload;
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
