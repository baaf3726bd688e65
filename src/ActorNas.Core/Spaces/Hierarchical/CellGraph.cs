namespace ActorNas.Core.Spaces.Hierarchical;

/// <summary>
/// A cell graph of the hierarchical space: a DAG on <see cref="Vertices"/> internal vertices in its canonical labelling.
/// Vertices are numbered in a topological order, so every edge goes from a lower to a higher number;
/// <see cref="Code"/> holds the edges as bits over the pairs (i, j), i &lt; j, in row-major order (bit 0 = 0→1).
/// The canonical labelling is the one with the smallest code among all topological relabellings, so two
/// isomorphic DAGs have the same canonical graph (brute force over permutations; cheap for the 5 vertices allowed).
/// </summary>
public sealed record CellGraph(int Vertices, int Code)
{
    /// <summary>The largest vertex count brute-force canonicalisation is used for (5! permutations per graph).</summary>
    public const int MaxVertices = 5;

    /// <summary>Whether the edge from <paramref name="from"/> to <paramref name="to"/> exists (from &lt; to in this labelling).</summary>
    public bool HasEdge(int from, int to) => from < to && (Code & (1 << PairBit(Vertices, from, to))) != 0;

    /// <summary>The edges, ordered by target vertex, then by source vertex: the order a forward pass evaluates them in.</summary>
    public IReadOnlyList<(int From, int To)> Edges
    {
        get
        {
            var edges = new List<(int, int)>();
            for (var to = 0; to < Vertices; to++)
                for (var from = 0; from < to; from++)
                    if (HasEdge(from, to)) edges.Add((from, to));
            return edges;
        }
    }

    public int EdgeCount => System.Numerics.BitOperations.PopCount((uint)Code);

    /// <summary>Vertices without internal predecessors (INPUT feeds them).</summary>
    public bool IsSource(int vertex) => Enumerable.Range(0, vertex).All(u => !HasEdge(u, vertex));

    /// <summary>Vertices without internal successors (they feed OUTPUT).</summary>
    public bool IsSink(int vertex) => Enumerable.Range(vertex + 1, Vertices - vertex - 1).All(v => !HasEdge(vertex, v));

    /// <summary>Rows of the adjacency matrix, '1' where an edge leaves the row's vertex, rows joined by '/'.</summary>
    public string Format() =>
        string.Join('/', Enumerable.Range(0, Vertices).Select(from =>
            new string(Enumerable.Range(0, Vertices).Select(to => HasEdge(from, to) ? '1' : '0').ToArray())));

    /// <summary>
    /// The canonical graph of the directed graph on <paramref name="vertices"/> vertices with these edges (any labelling);
    /// null when the edges form a cycle.
    /// </summary>
    public static CellGraph? Canonical(int vertices, IEnumerable<(int From, int To)> edges)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vertices, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(vertices, MaxVertices);
        var list = edges.ToArray();
        int? best = null;
        foreach (var p in Permutations(vertices))
        {
            var code = 0;
            var topological = true;
            foreach (var (from, to) in list)
            {
                if (p[from] >= p[to]) { topological = false; break; }
                code |= 1 << PairBit(vertices, p[from], p[to]);
            }
            if (topological && (best is null || code < best)) best = code;
        }
        return best is null ? null : new CellGraph(vertices, best.Value);
    }

    internal static int PairBit(int vertices, int from, int to)
    {
        // pairs (0,1),(0,2),...,(0,n-1),(1,2),... numbered in row-major order
        var before = from * vertices - from * (from + 1) / 2;
        return before + (to - from - 1);
    }

    internal static int PairCount(int vertices) => vertices * (vertices - 1) / 2;

    private static IEnumerable<int[]> Permutations(int n)
    {
        var p = Enumerable.Range(0, n).ToArray();
        while (true)
        {
            yield return (int[])p.Clone();
            // next lexicographic permutation
            var i = n - 2;
            while (i >= 0 && p[i] >= p[i + 1]) i--;
            if (i < 0) yield break;
            var j = n - 1;
            while (p[j] <= p[i]) j--;
            (p[i], p[j]) = (p[j], p[i]);
            Array.Reverse(p, i + 1, n - i - 1);
        }
    }
}
