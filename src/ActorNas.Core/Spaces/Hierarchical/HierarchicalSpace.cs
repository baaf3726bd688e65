namespace ActorNas.Core.Spaces.Hierarchical;

/// <summary>
/// FaDE's hierarchical space: S stages in a chain, each a conv C_{s-1} → C_s, one cell graph and a max pool; then
/// flatten and a linear head. Position s of a genotype is stage s's cell graph, as an index into the catalogue of
/// non-isomorphic DAGs with up to n vertices. Inside a cell, INPUT feeds every vertex without predecessors, every
/// vertex without successors feeds OUTPUT, an internal edge is conv k x k ("same" padding) + ReLU, and a vertex sums
/// its inputs (divided by the sum's root mean square per example when normalisation is on).
/// <para>String form: the stages' graphs between '|', each graph its adjacency rows joined by '/' in the canonical
/// labelling, e.g. <c>|0110/0001/0001/0000|01/00|0|</c> (row i has a 1 in column j for an edge i → j). Parsing accepts
/// any labelling of an acyclic graph. The leading '|' keeps the form apart from the integer form "3,0,12".</para>
/// <para>Mutation moves one stage to a neighbouring graph: one edge or one vertex more or fewer.</para>
/// </summary>
public sealed class HierarchicalSpace : ISearchSpace
{
    public const string SpaceName = "hierarchical";

    public HierarchicalSpace(HierarchicalSpaceSettings? settings = null)
    {
        Settings = settings ?? new HierarchicalSpaceSettings();
        Settings.Validate();
        Catalogue = CellGraphCatalogue.UpTo(Settings.Vertices);
    }

    public HierarchicalSpaceSettings Settings { get; }
    public CellGraphCatalogue Catalogue { get; }
    public string Name => SpaceName;
    public int Length => Settings.Stages;
    public int ChoicesAt(int position) => Catalogue.Count;

    /// <summary>Stages are in data-flow order: a change at stage s keeps the layers of every stage before it.</summary>
    public int TransferablePrefixLength(int changedPosition) => changedPosition;

    /// <summary>A mutation at a stage moves to a graph one edge or one vertex away.</summary>
    public IReadOnlyList<int> NeighbourValues(int position, int current) => Catalogue.NeighboursOf(current);

    /// <summary>Stage <paramref name="stage"/>'s cell graph.</summary>
    public CellGraph GraphAt(Genotype genotype, int stage) => Catalogue.Graphs[genotype[stage]];

    public string Format(Genotype genotype)
    {
        this.Validate(genotype);
        return "|" + string.Join('|', Enumerable.Range(0, Length).Select(s => GraphAt(genotype, s).Format())) + "|";
    }

    public Genotype Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length < 2 || text[0] != '|' || text[^1] != '|')
            throw Error(text, "it must start and end with '|'");
        var stages = text[1..^1].Split('|');
        if (stages.Length != Length)
            throw Error(text, $"expected {Length} stage graphs separated by '|', found {stages.Length}");
        var values = new int[Length];
        for (var s = 0; s < Length; s++) values[s] = ParseGraph(text, s, stages[s]);
        return new Genotype(values);
    }

    private int ParseGraph(string text, int stage, string graph)
    {
        var where = $"stage {stage + 1} (position {stage}) \"{graph}\"";
        var rows = graph.Split('/');
        var m = rows.Length;
        if (m > Settings.Vertices || graph.Length == 0)
            throw Error(text, $"{where} has {(graph.Length == 0 ? 0 : m)} vertices; this space's cell graphs have 1..{Settings.Vertices} (actornas.space.hierarchical.vertices)");
        var edges = new List<(int, int)>();
        for (var from = 0; from < m; from++)
        {
            var row = rows[from];
            if (row.Length != m || row.Any(c => c != '0' && c != '1'))
                throw Error(text, $"{where}: row {from} \"{row}\" must be {m} characters of 0 and 1 (one per vertex)");
            for (var to = 0; to < m; to++)
            {
                if (row[to] != '1') continue;
                if (to == from) throw Error(text, $"{where}: row {from} has an edge from vertex {from} to itself");
                edges.Add((from, to));
            }
        }
        var canonical = CellGraph.Canonical(m, edges)
            ?? throw Error(text, $"{where} has a cycle; a cell graph must be acyclic");
        return Catalogue.IndexOf(canonical);
    }

    /// <summary>Multiply-accumulates of one forward pass and trainable parameters (conv and linear weights and biases).</summary>
    public NetworkCost Cost(Genotype genotype)
    {
        this.Validate(genotype);
        var settings = Settings;
        var sizes = settings.Sizes();
        var k2 = (double)settings.Kernel * settings.Kernel;
        double flops = 0, parameters = 0;
        var input = settings.InputChannels;
        for (var s = 0; s < Length; s++)
        {
            var c = settings.Channels[s];
            var pixels = (double)sizes[s] * sizes[s];
            var convWeights = input * c * k2;
            var edgeWeights = c * c * k2;
            var edges = GraphAt(genotype, s).EdgeCount;
            parameters += convWeights + c + edges * (edgeWeights + c);
            flops += (convWeights + edges * edgeWeights) * pixels;
            input = c;
        }
        var features = (double)input * sizes[^1] * sizes[^1];
        parameters += features * settings.Classes + settings.Classes;
        flops += features * settings.Classes;
        return new NetworkCost(flops, parameters);
    }

    private static GenotypeFormatException Error(string text, string problem) =>
        new($"not a hierarchical-space genotype: {problem}. Input: \"{text}\". " +
            "Expected one cell graph per stage between '|', each its adjacency rows joined by '/', e.g. |0110/0001/0001/0000|01/00|0|");
}
