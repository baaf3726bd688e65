using System.Runtime.Serialization;
using System.Text;
using ActorNas.Actors.Protocol;

namespace ActorNas.Actors.Serialization;

/// <summary>
/// The binary form of the messages that move layers between nodes (a chunk's bytes travel as they are, not as base64
/// JSON). Little-endian, length-prefixed; every read is bounds-checked and a malformed message is refused.
/// </summary>
internal static class CacheWireFormat
{
    public static readonly Dictionary<Type, string> Manifests = new()
    {
        [typeof(PullLayers)] = "pull-layers.v1",
        [typeof(TransferOpened)] = "transfer-opened.v1",
        [typeof(ChunkDemand)] = "chunk-demand.v1",
        [typeof(LayerChunk)] = "layer-chunk.v1",
        [typeof(TransferAborted)] = "transfer-aborted.v1",
    };

    public static readonly Dictionary<string, Type> Types = Manifests.ToDictionary(kv => kv.Value, kv => kv.Key);

    public static byte[] ToBytes(object message)
    {
        using var stream = new MemoryStream(message is LayerChunk c ? c.Data.Length + 32 : 256);
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            switch (message)
            {
                case PullLayers p:
                    w.Write(p.TransferId);
                    w.Write(p.ChunkBytes);
                    w.Write(p.Layers.Count);
                    foreach (var layer in p.Layers) w.Write(layer);
                    break;
                case TransferOpened o:
                    w.Write(o.TransferId);
                    w.Write(o.Layers.Count);
                    foreach (var h in o.Layers)
                    {
                        w.Write(h.Layer);
                        w.Write(h.Owner);
                        w.Write(h.Length);
                        w.Write(h.Checksum);
                    }
                    break;
                case ChunkDemand d:
                    w.Write(d.TransferId);
                    w.Write(d.Chunks);
                    break;
                case LayerChunk chunk:
                    w.Write(chunk.TransferId);
                    w.Write(chunk.Sequence);
                    w.Write(chunk.Data.Length);
                    w.Write(chunk.Data);
                    break;
                case TransferAborted a:
                    w.Write(a.TransferId);
                    w.Write(a.Reason);
                    break;
                default:
                    throw new SerializationException($"{message.GetType().Name} has no binary cache form");
            }
        }
        return stream.ToArray();
    }

    public static object FromBytes(byte[] bytes, string manifest)
    {
        try
        {
            using var r = new BinaryReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
            object message = manifest switch
            {
                "pull-layers.v1" => ReadPull(r, bytes.Length),
                "transfer-opened.v1" => new TransferOpened(r.ReadInt64(),
                    ReadList(r, bytes.Length, () => new LayerHeader(r.ReadString(), r.ReadInt64(), r.ReadInt64(), r.ReadUInt64()))),
                "chunk-demand.v1" => new ChunkDemand(r.ReadInt64(), r.ReadInt32()),
                "layer-chunk.v1" => ReadChunk(r, bytes.Length),
                "transfer-aborted.v1" => new TransferAborted(r.ReadInt64(), r.ReadString()),
                _ => throw new SerializationException($"unknown cache message \"{manifest}\""),
            };
            if (r.BaseStream.Position != bytes.Length) throw new SerializationException($"{manifest}: trailing bytes");
            return message;
        }
        catch (EndOfStreamException)
        {
            throw new SerializationException($"{manifest}: truncated message");
        }
    }

    private static PullLayers ReadPull(BinaryReader r, int size)
    {
        var id = r.ReadInt64();
        var chunkBytes = r.ReadInt32();
        return new PullLayers(id, ReadList(r, size, r.ReadString), chunkBytes);
    }

    private static LayerChunk ReadChunk(BinaryReader r, int size)
    {
        var id = r.ReadInt64();
        var sequence = r.ReadInt32();
        var length = r.ReadInt32();
        if (length < 0 || length > size - r.BaseStream.Position) throw new SerializationException("layer-chunk.v1: truncated message");
        return new LayerChunk(id, sequence, r.ReadBytes(length));
    }

    private static List<T> ReadList<T>(BinaryReader r, int size, Func<T> read)
    {
        var count = r.ReadInt32();
        if (count < 0 || count > size) throw new SerializationException("list length out of range");
        var list = new List<T>(count);
        for (var i = 0; i < count; i++) list.Add(read());
        return list;
    }
}
