using System.Buffers.Binary;
using System.Text;
using static TorchSharp.torch;

namespace ActorNas.Torch.Training;

/// <summary>
/// A layer's named tensors as the bytes a weight cache holds and moves (<see cref="Core.Caching.LayerPayload"/>): per
/// tensor its name, dtype, shape and raw little-endian data, names in ordinal order so equal layers encode equally.
/// Decoding copies into the tensors of a built network, which must have the same names, dtypes and shapes.
/// </summary>
public static class LayerCodec
{
    private const uint Magic = 0x544C4E41;   // "ANLT"

    public static byte[] Encode(IReadOnlyDictionary<string, Tensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        using var scope = NewDisposeScope();
        var parts = tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => (Name: Encoding.UTF8.GetBytes(kv.Key), Tensor: kv.Value.detach().cpu().contiguous()))
            .ToList();
        var length = 8L + parts.Sum(p => 4 + p.Name.Length + 4 + 4 + 8L * p.Tensor.ndim + 8 + p.Tensor.NumberOfElements * p.Tensor.ElementSize);
        var bytes = new byte[length];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], parts.Count);
        var at = 8;
        foreach (var (name, tensor) in parts)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], name.Length);
            name.CopyTo(span[(at + 4)..]);
            at += 4 + name.Length;
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], (int)tensor.dtype);
            BinaryPrimitives.WriteInt32LittleEndian(span[(at + 4)..], (int)tensor.ndim);
            at += 8;
            foreach (var dim in tensor.shape)
            {
                BinaryPrimitives.WriteInt64LittleEndian(span[at..], dim);
                at += 8;
            }
            var data = tensor.bytes;
            BinaryPrimitives.WriteInt64LittleEndian(span[at..], data.Length);
            at += 8;
            data.CopyTo(span[at..]);
            at += data.Length;
        }
        return bytes;
    }

    /// <summary>
    /// Copies an encoded layer into <paramref name="target"/> (same names, dtypes and shapes; any device). False, with
    /// nothing copied, when the payload is malformed or does not match the target.
    /// </summary>
    public static bool TryCopyInto(byte[] payload, IReadOnlyDictionary<string, Tensor> target)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(target);
        var decoded = Parse(payload);
        if (decoded is null || decoded.Count != target.Count) return false;
        foreach (var (name, entry) in decoded)
            if (!target.TryGetValue(name, out var t) || t.dtype != entry.DType || !t.shape.SequenceEqual(entry.Shape)
                || t.NumberOfElements * t.ElementSize != entry.Length)
                return false;
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        foreach (var (name, entry) in decoded)
        {
            var source = empty(entry.Shape, entry.DType);
            source.bytes = payload.AsSpan(entry.Offset, (int)entry.Length);
            target[name].copy_(source);
        }
        return true;
    }

    private sealed record Entry(ScalarType DType, long[] Shape, int Offset, long Length);

    private static Dictionary<string, Entry>? Parse(ReadOnlySpan<byte> span)
    {
        if (span.Length < 8 || BinaryPrimitives.ReadUInt32LittleEndian(span) != Magic) return null;
        var count = BinaryPrimitives.ReadInt32LittleEndian(span[4..]);
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        var at = 8;
        for (var i = 0; i < count; i++)
        {
            if (span.Length - at < 4) return null;
            var nameLength = BinaryPrimitives.ReadInt32LittleEndian(span[at..]);
            if (nameLength < 0 || span.Length - at - 4 < nameLength + 8) return null;
            var name = Encoding.UTF8.GetString(span.Slice(at + 4, nameLength));
            at += 4 + nameLength;
            var dtype = (ScalarType)BinaryPrimitives.ReadInt32LittleEndian(span[at..]);
            var ndim = BinaryPrimitives.ReadInt32LittleEndian(span[(at + 4)..]);
            at += 8;
            if (ndim < 0 || span.Length - at < 8L * ndim + 8) return null;
            var shape = new long[ndim];
            for (var d = 0; d < ndim; d++, at += 8) shape[d] = BinaryPrimitives.ReadInt64LittleEndian(span[at..]);
            var length = BinaryPrimitives.ReadInt64LittleEndian(span[at..]);
            at += 8;
            if (length < 0 || length > span.Length - at) return null;
            entries[name] = new Entry(dtype, shape, at, length);
            at += (int)length;
        }
        return at == span.Length ? entries : null;
    }
}
