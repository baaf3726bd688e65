using System.Collections.Concurrent;

namespace ActorNas.Core.Spaces.Hierarchical;

/// <summary>
/// Every DAG with 1 to n internal vertices, one per isomorphism class, in a fixed order (vertex count, then edge count,
/// then canonical code): a genotype value is an index into it. With the neighbour relation a mutation moves along:
/// one edge added or removed, or one vertex added or removed (with its edges). The relation is symmetric.
/// </summary>
public sealed class CellGraphCatalogue
{
    private static readonly ConcurrentDictionary<int, CellGraphCatalogue> Cache = new();
    private readonly Dictionary<CellGraph, int> _index;
    private readonly int[][] _neighbours;

    private CellGraphCatalogue(int maxVertices)
    {
        MaxVertices = maxVertices;
        var graphs = new HashSet<CellGraph>();
        for (var m = 1; m <= maxVertices; m++)
        {
            var pairs = CellGraph.PairCount(m);
            for (var code = 0; code < 1 << pairs; code++)
                graphs.Add(CellGraph.Canonical(m, new CellGraph(m, code).Edges)!);
        }
        Graphs = [.. graphs.OrderBy(g => g.Vertices).ThenBy(g => g.EdgeCount).ThenBy(g => g.Code)];
        _index = Graphs.Select((g, i) => (g, i)).ToDictionary(x => x.g, x => x.i);

        var neighbours = Graphs.Select(_ => new SortedSet<int>()).ToArray();
        for (var i = 0; i < Graphs.Count; i++)
            foreach (var other in Adjacent(Graphs[i]))
                if (_index.TryGetValue(other, out var j) && j != i)
                {
                    neighbours[i].Add(j);
                    neighbours[j].Add(i);
                }
        _neighbours = [.. neighbours.Select(s => s.ToArray())];
    }

    /// <summary>The catalogue of DAGs with up to <paramref name="maxVertices"/> vertices (built once per process).</summary>
    public static CellGraphCatalogue UpTo(int maxVertices)
    {
        if (maxVertices < 1 || maxVertices > CellGraph.MaxVertices)
            throw new ArgumentOutOfRangeException(nameof(maxVertices), $"cell graphs have 1..{CellGraph.MaxVertices} vertices, got {maxVertices}");
        return Cache.GetOrAdd(maxVertices, n => new CellGraphCatalogue(n));
    }

    public int MaxVertices { get; }
    public IReadOnlyList<CellGraph> Graphs { get; }
    public int Count => Graphs.Count;

    /// <summary>The index of the graph isomorphic to <paramref name="graph"/> (any labelling of an acyclic graph).</summary>
    public int IndexOf(CellGraph graph)
    {
        var canonical = CellGraph.Canonical(graph.Vertices, graph.Edges)!;
        return _index.TryGetValue(canonical, out var i)
            ? i
            : throw new ArgumentException($"a graph with {graph.Vertices} vertices is not in the catalogue of up to {MaxVertices}");
    }

    /// <summary>Indices of the graphs one edge or one vertex away from graph <paramref name="index"/>, ascending.</summary>
    public IReadOnlyList<int> NeighboursOf(int index) => _neighbours[index];

    // Every canonical graph one step away: toggle an ordered pair (kept when still acyclic), or drop a vertex.
    private static IEnumerable<CellGraph> Adjacent(CellGraph g)
    {
        var edges = g.Edges.ToHashSet();
        for (var from = 0; from < g.Vertices; from++)
            for (var to = 0; to < g.Vertices; to++)
            {
                if (from == to) continue;
                var changed = new HashSet<(int, int)>(edges);
                if (!changed.Remove((from, to))) changed.Add((from, to));
                if (CellGraph.Canonical(g.Vertices, changed) is { } canonical) yield return canonical;
            }
        if (g.Vertices == 1) yield break;
        for (var dropped = 0; dropped < g.Vertices; dropped++)
        {
            int Renumber(int v) => v < dropped ? v : v - 1;
            var kept = edges.Where(e => e.From != dropped && e.To != dropped).Select(e => (Renumber(e.From), Renumber(e.To)));
            yield return CellGraph.Canonical(g.Vertices - 1, kept)!;
        }
    }
}
