using System.Globalization;
using ActorNas.Core.Caching;

namespace ActorNas.Actors.Caching;

/// <summary>
/// The checkpoints a node's weight cache knows of (the third kind of payload, beside layers in memory and on disk):
/// the folders its command evaluators wrote, served to other nodes on a pull, and the copies fetched from other nodes,
/// written under this node's checkpoint root and bounded by <c>actornas.weight-cache.checkpoint-copies-mb</c> (the
/// oldest copies are deleted first). A node's own checkpoints are the user's output and are never deleted.
/// Not thread-safe (its cache actor owns it).
/// </summary>
public sealed class CheckpointStore(long copiesCapacityBytes, Action<string> warn)
{
    private const string KeyPrefix = "checkpoint:";

    private readonly Dictionary<string, string> _own = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Folder, long Bytes)> _copies = [];   // oldest first

    public long CopiesCapacityBytes { get; } = copiesCapacityBytes;
    public long CopiesBytes { get; private set; }
    public int Copies => _copies.Count;
    public long CopiesEvicted { get; private set; }
    public long BytesServed { get; private set; }

    /// <summary>The payload key of a candidate's checkpoint: it travels in a pull like a layer identity.</summary>
    public static string KeyOf(string searchId, long candidateId) =>
        KeyPrefix + searchId + "/" + candidateId.ToString(CultureInfo.InvariantCulture);

    public static bool IsKey(string key) => key.StartsWith(KeyPrefix, StringComparison.Ordinal);

    /// <summary>A checkpoint folder one of this node's evaluators wrote: served to other nodes from now on.</summary>
    public void Written(string searchId, long candidateId, string folder) => _own[KeyOf(searchId, candidateId)] = folder;

    /// <summary>The packed folder of one of this node's checkpoints; null when unknown, gone, empty or over <paramref name="limit"/>.</summary>
    public LayerPayload? Serve(string key, long limit)
    {
        if (!_own.TryGetValue(key, out var folder)) return null;
        var owner = long.Parse(key[(key.LastIndexOf('/') + 1)..], CultureInfo.InvariantCulture);
        byte[]? packed;
        try
        {
            packed = CheckpointArchive.Pack(folder, limit);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            warn($"weight cache: checkpoint {folder} could not be read ({e.Message}); not served");
            return null;
        }
        if (packed is null)
        {
            warn($"weight cache: checkpoint {folder} is missing, empty or larger than actornas.weight-cache.max-layer-mb; not served");
            return null;
        }
        BytesServed += packed.LongLength;
        return LayerPayload.Of(key, owner, packed);
    }

    /// <summary>
    /// Writes a fetched checkpoint into <paramref name="folder"/> and counts it against the copies' capacity, deleting the
    /// oldest copies beyond it (never the one just written). Null on success, else the problem.
    /// </summary>
    public string? StoreCopy(LayerPayload payload, string folder)
    {
        try
        {
            if (!CheckpointArchive.Unpack(payload.Data, folder)) return null;   // a copy arrived first: it stays
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return $"could not write it to {folder}: {e.Message}";
        }
        _copies.AddLast((folder, payload.Bytes));
        CopiesBytes += payload.Bytes;
        while (CopiesBytes > CopiesCapacityBytes && _copies.First is { } oldest && oldest != _copies.Last)
        {
            _copies.RemoveFirst();
            CopiesBytes -= oldest.Value.Bytes;
            CopiesEvicted++;
            try
            {
                Directory.Delete(oldest.Value.Folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                warn($"weight cache: the fetched checkpoint copy {oldest.Value.Folder} could not be deleted: {e.Message}");
            }
        }
        return null;
    }
}
