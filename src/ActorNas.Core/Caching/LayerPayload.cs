using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ActorNas.Core.Caching;

/// <summary>
/// The weights of one layer as the caches hold and move them: an opaque byte payload (ActorNas.Torch encodes a layer's
/// named tensors into it) with the candidate whose model it came from and a checksum of the bytes. Caches never look
/// inside; they check the checksum wherever bytes were out of their hands (a disk file, a transfer).
/// </summary>
public sealed record LayerPayload(string Layer, long Owner, byte[] Data, ulong Checksum)
{
    /// <summary>A payload whose checksum is computed from its bytes.</summary>
    public static LayerPayload Of(string layer, long owner, byte[] data) => new(layer, owner, data, ChecksumOf(data));

    public long Bytes => Data.LongLength;

    /// <summary>The first 8 bytes of the SHA-256 of the data (hardware-accelerated; collisions by accident are out of reach).</summary>
    public static ulong ChecksumOf(ReadOnlySpan<byte> data)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(data, hash);
        return BinaryPrimitives.ReadUInt64LittleEndian(hash);
    }

    /// <summary>True when the bytes still match the checksum.</summary>
    public bool IsIntact() => ChecksumOf(Data) == Checksum;
}
