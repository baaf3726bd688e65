using System.Collections;

namespace ActorNas.Analysis;

/// <summary>
/// The fold's proposals by candidate id, without a dictionary of its own: the log proposes candidates in increasing
/// id order, so a binary search over the proposal list finds one. Only a log whose ids do not increase (none the
/// Population writes) gets a dictionary, built on first use.
/// </summary>
internal sealed class ProposalLookup(List<Proposal> proposals, Func<bool> idsIncrease) : IReadOnlyDictionary<long, Proposal>
{
    private Dictionary<long, Proposal>? _byId;
    private int _byIdCount = -1;

    public int Count => proposals.Count;
    public IEnumerable<long> Keys => proposals.Select(p => p.Id);
    public IEnumerable<Proposal> Values => proposals;
    public Proposal this[long key] => TryGetValue(key, out var p) ? p : throw new KeyNotFoundException($"no proposal of candidate {key}");
    public bool ContainsKey(long key) => TryGetValue(key, out _);

    public bool TryGetValue(long key, out Proposal value)
    {
        if (!idsIncrease())
        {
            if (_byId is null || _byIdCount != proposals.Count)
            {
                _byId = proposals.ToDictionary(p => p.Id);   // a repeated id fails here, as it always did
                _byIdCount = proposals.Count;
            }
            return _byId.TryGetValue(key, out value!);
        }
        int low = 0, high = proposals.Count - 1;
        while (low <= high)
        {
            var middle = low + (high - low) / 2;
            var id = proposals[middle].Id;
            if (id == key) { value = proposals[middle]; return true; }
            if (id < key) low = middle + 1;
            else high = middle - 1;
        }
        value = null!;
        return false;
    }

    public IEnumerator<KeyValuePair<long, Proposal>> GetEnumerator() =>
        proposals.Select(p => KeyValuePair.Create(p.Id, p)).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
