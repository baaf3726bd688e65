using ActorNas.Core;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;

namespace ActorNas.Analysis;

/// <summary>
/// A layer request: when an evaluation starts, its model needs every layer, each named by a Merkle-style identity
/// (a hash of the position and every choice up to it, so two models share a layer exactly when their genotypes agree
/// up to that position). <paramref name="FromParent"/>: the layer lies in the prefix the child shares with its parent,
/// so a weight cache could serve it.
/// </summary>
public sealed record LayerRequest(
    int Sequence, double Time, string Worker, string Node, long CandidateId, long? ParentId, int Position, ulong Identity, bool FromParent);

/// <summary>Section 4's temporal locality: reuse (LRU stack) distances of layer requests across all workers.</summary>
/// <param name="Distances">For every request after the first of its identity: how many distinct other identities were requested since.</param>
/// <param name="ColdRequests">First requests of an identity (infinite distance).</param>
/// <param name="SameWorkerReuses">Reuses whose previous request of the identity came from the same worker.</param>
public sealed record LayerReuse(int Requests, int ColdRequests, IReadOnlyList<int> Distances, int SameWorkerReuses, int FromParentRequests)
{
    /// <summary>Layer identities: the identity of position p chains the identity of position p-1 with (p, value).</summary>
    public static ulong[] Identities(Genotype genotype)
    {
        var ids = new ulong[genotype.Length];
        var chain = 0x6A09E667F3BCC909UL;
        for (var p = 0; p < genotype.Length; p++)
        {
            chain = DeterministicRandom.Mix(chain ^ DeterministicRandom.Mix(((ulong)p << 32) | (uint)genotype[p]));
            ids[p] = chain;
        }
        return ids;
    }

    /// <summary>
    /// The requests of every attempt that started, in start order (ties by candidate id), generated one at a time so a
    /// long search's trace is never held whole; <paramref name="count"/> is how many there will be.
    /// </summary>
    public static IEnumerable<LayerRequest> RequestsOf(ISearchSpace space, IReadOnlyList<WorkerTask> tasks,
        IReadOnlyDictionary<long, Proposal> proposals, out int count)
    {
        var started = tasks.Where(t => proposals.ContainsKey(t.CandidateId)).OrderBy(t => t.Start).ThenBy(t => t.CandidateId).ToList();
        count = started.Count * space.Length;
        return Generate(space, started, proposals);
    }

    private static IEnumerable<LayerRequest> Generate(ISearchSpace space, List<WorkerTask> started, IReadOnlyDictionary<long, Proposal> proposals)
    {
        var sequence = 0;
        foreach (var task in started)
        {
            var proposal = proposals[task.CandidateId];
            var shared = proposal.Mutation is { } m ? space.TransferablePrefixLength(m.Position) : 0;
            var ids = Identities(proposal.Genotype);
            for (var p = 0; p < ids.Length; p++)
                yield return new LayerRequest(sequence++, task.Start, task.Worker, task.Node, task.CandidateId, proposal.ParentId, p, ids[p], p < shared);
        }
    }

    public static LayerReuse Compute(IReadOnlyList<LayerRequest> requests) => Compute(requests, requests.Count);

    /// <summary>
    /// LRU stack distances in O(n log n): a Fenwick tree marks the latest request of every identity.
    /// <paramref name="count"/> bounds the number of requests; <paramref name="sink"/> sees each one (to export the trace).
    /// </summary>
    public static LayerReuse Compute(IEnumerable<LayerRequest> requests, int count, Action<LayerRequest>? sink = null)
    {
        var tree = new int[count + 1];
        var latest = new Dictionary<ulong, (int Index, string Worker)>();
        var distances = new List<int>();
        int cold = 0, sameWorker = 0, fromParent = 0, i = -1;
        foreach (var r in requests)
        {
            i++;
            if (i >= count) throw new ArgumentException($"more than the announced {count} layer requests");
            sink?.Invoke(r);
            if (r.FromParent) fromParent++;
            if (latest.TryGetValue(r.Identity, out var previous))
            {
                // marks strictly between the previous request and this one = distinct identities requested since
                distances.Add(Prefix(tree, i - 1) - Prefix(tree, previous.Index));
                Add(tree, previous.Index, -1);
                if (previous.Worker == r.Worker) sameWorker++;
            }
            else cold++;
            Add(tree, i, 1);
            latest[r.Identity] = (i, r.Worker);
        }
        return new LayerReuse(i + 1, cold, distances, sameWorker, fromParent);
    }

    private static void Add(int[] tree, int index, int delta)
    {
        for (var i = index + 1; i < tree.Length; i += i & -i) tree[i] += delta;
    }

    /// <summary>Sum of marks at indices 0..index (0 when index is negative).</summary>
    private static int Prefix(int[] tree, int index)
    {
        var sum = 0;
        for (var i = index + 1; i > 0; i -= i & -i) sum += tree[i];
        return sum;
    }

    /// <summary>Distances in power-of-two buckets: 0, 1, 2-3, 4-7, ...; label and count.</summary>
    public IReadOnlyList<(string Bucket, int Count)> Buckets()
    {
        if (Distances.Count == 0) return [];
        var max = Distances.Max();
        var buckets = new List<(string, int)> { ("0", Distances.Count(d => d == 0)) };
        for (var low = 1; low <= max; low *= 2)
        {
            var high = 2 * low - 1;
            var lo = low;
            buckets.Add((low == high ? $"{low}" : $"{low}-{high}", Distances.Count(d => d >= lo && d <= high)));
        }
        return buckets;
    }
}
