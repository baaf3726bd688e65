namespace ActorNas.Core.Spaces.SpiderNet;

/// <summary>
/// One SpiderNet cell as a numbered DAG: nodes 0..<see cref="Inputs"/>-1 are its inputs (the stem and every earlier
/// cell), then the intermediate nodes, and the last node is the output. An edge i -> j (i &lt; j) holds the ops still
/// alive on it. Immutable: growth (<see cref="Split"/>) and pruning (<see cref="Prune"/>) return a new cell.
/// Invariants: no edge enters an input; every intermediate node has an edge in and an edge out; the output may have
/// none left (every path pruned: the cell outputs zero).
/// </summary>
public sealed class SpiderCell : IEquatable<SpiderCell>
{
    private readonly SortedDictionary<(int From, int To), int> _edges;

    /// <param name="edges">Each edge's alive ops as a <see cref="SpiderOps"/> mask (non-zero).</param>
    public SpiderCell(int inputs, int nodes, IEnumerable<KeyValuePair<(int From, int To), int>> edges)
    {
        if (inputs < 1) throw new ArgumentException($"a cell needs at least one input, got {inputs}");
        if (nodes < inputs + 1) throw new ArgumentException($"a cell with {inputs} input(s) needs at least {inputs + 1} nodes, got {nodes}");
        Inputs = inputs;
        Nodes = nodes;
        _edges = [];
        foreach (var ((from, to), mask) in edges)
        {
            if (from < 0 || to >= nodes || from >= to)
                throw new ArgumentException($"edge {from}>{to} is not a forward edge between nodes 0..{nodes - 1}");
            if (to < inputs) throw new ArgumentException($"edge {from}>{to} enters input node {to}");
            if (mask is <= 0 or > SpiderOps.All) throw new ArgumentException($"edge {from}>{to} has op mask {mask}, not 1..{SpiderOps.All}");
            if (!_edges.TryAdd((from, to), mask)) throw new ArgumentException($"edge {from}>{to} is given twice");
        }
        for (var n = inputs; n < Output; n++)
        {
            if (!_edges.Keys.Any(e => e.To == n)) throw new ArgumentException($"intermediate node {n} has no incoming edge");
            if (!_edges.Keys.Any(e => e.From == n)) throw new ArgumentException($"intermediate node {n} has no outgoing edge");
        }
    }

    /// <summary>A new cell: one fresh edge from each input to node K, and K -> K+1 (the output).</summary>
    public static SpiderCell Initial(int inputs) =>
        new(inputs, inputs + 2, [.. Enumerable.Range(0, inputs).Select(i => Edge(i, inputs, SpiderOps.All)), Edge(inputs, inputs + 1, SpiderOps.All)]);

    public int Inputs { get; }
    public int Nodes { get; }
    public int Output => Nodes - 1;

    /// <summary>The edges in (from, to) order with their alive-op masks.</summary>
    public IReadOnlyCollection<KeyValuePair<(int From, int To), int>> Edges => _edges;

    public int? OpsOn(int from, int to) => _edges.TryGetValue((from, to), out var mask) ? mask : null;

    /// <summary>Alive ops over all edges.</summary>
    public int AliveOps => _edges.Values.Sum(m => System.Numerics.BitOperations.PopCount((uint)m));

    /// <summary>
    /// Splits edge <paramref name="from"/> -> <paramref name="to"/>: a new node takes index <c>to</c> (every node from
    /// there up moves one up), two fresh edges from -> new and new -> new+1 come in, and the old edge, with the ops
    /// that survived, stays as from -> new+1, a parallel shortcut.
    /// </summary>
    public SpiderCell Split(int from, int to)
    {
        if (!_edges.TryGetValue((from, to), out var kept))
            throw new ArgumentException($"edge {from}>{to} is not in the cell: {this}");
        int Moved(int node) => node >= to ? node + 1 : node;
        var edges = _edges.Where(e => e.Key != (from, to)).Select(e => Edge(Moved(e.Key.From), Moved(e.Key.To), e.Value)).ToList();
        edges.Add(Edge(from, to, SpiderOps.All));
        edges.Add(Edge(to, to + 1, SpiderOps.All));
        edges.Add(Edge(from, to + 1, kept));
        return new SpiderCell(Inputs, Nodes + 1, edges);
    }

    /// <summary>
    /// Removes the given ops for good; an edge left with none is gone, and then every intermediate node that no longer
    /// lies on a path from an input to the output is deleted with its edges (the nodes after it move down).
    /// </summary>
    public SpiderCell Prune(IEnumerable<(int From, int To, SpiderOp Op)> pruned)
    {
        var masks = new Dictionary<(int, int), int>(_edges);
        foreach (var (from, to, op) in pruned)
        {
            if (!masks.TryGetValue((from, to), out var mask) || !SpiderOps.IsAlive(mask, op))
                throw new ArgumentException($"op {SpiderOps.Names[(int)op]} is not alive on edge {from}>{to} of {this}");
            masks[(from, to)] = SpiderOps.Without(mask, op);
        }
        var alive = masks.Where(e => e.Value != 0).ToList();
        var fromInput = Reach(alive, Enumerable.Range(0, Inputs), forward: true);
        var toOutput = Reach(alive, [Output], forward: false);
        var kept = Enumerable.Range(0, Nodes).Where(n => n < Inputs || n == Output || fromInput.Contains(n) && toOutput.Contains(n)).ToList();
        var index = kept.Select((node, i) => (node, i)).ToDictionary(p => p.node, p => p.i);
        var edges = alive.Where(e => index.ContainsKey(e.Key.Item1) && index.ContainsKey(e.Key.Item2)
                                     && (e.Key.Item1 < Inputs || fromInput.Contains(e.Key.Item1)) && toOutput.Contains(e.Key.Item2))
            .Select(e => Edge(index[e.Key.Item1], index[e.Key.Item2], e.Value));
        return new SpiderCell(Inputs, kept.Count, edges);
    }

    private static HashSet<int> Reach(List<KeyValuePair<(int, int), int>> edges, IEnumerable<int> start, bool forward)
    {
        var seen = new HashSet<int>(start);
        var frontier = new Stack<int>(seen);
        while (frontier.TryPop(out var node))
            foreach (var ((a, b), _) in edges)
                if ((forward ? a : b) == node && seen.Add(forward ? b : a)) frontier.Push(forward ? b : a);
        return seen;
    }

    private static KeyValuePair<(int From, int To), int> Edge(int from, int to, int mask) => new((from, to), mask);

    /// <summary>"0>2:1111111,1>2:1111111,2>3:1001000" (no edges: "-").</summary>
    public override string ToString() =>
        _edges.Count == 0 ? "-" : string.Join(',', _edges.Select(e => $"{e.Key.From}>{e.Key.To}:{SpiderOps.Format(e.Value)}"));

    public bool Equals(SpiderCell? other) =>
        other is not null && Inputs == other.Inputs && Nodes == other.Nodes && _edges.SequenceEqual(other._edges);

    public override bool Equals(object? obj) => Equals(obj as SpiderCell);

    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(Inputs);
        h.Add(Nodes);
        foreach (var e in _edges) h.Add(e);
        return h.ToHashCode();
    }
}
