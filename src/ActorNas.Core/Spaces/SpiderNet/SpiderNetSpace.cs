namespace ActorNas.Core.Spaces.SpiderNet;

/// <summary>SpiderNet's two settings: reduction cells R (the network has R + 1 cells) and the first cell's channels.</summary>
public sealed record SpiderNetSpaceSettings(int ReductionCells = 2, int InitialChannels = 8)
{
    /// <summary>Throws naming the setting when it is out of range.</summary>
    public void Validate()
    {
        // SpiderNet's one structural setting: at least one reduction (a single cell at the input's resolution is not the method)
        if (ReductionCells is < 1 or > SpiderNetSpace.MaxReductionCells)
            throw new ArgumentException($"reduction-cells must be in 1..{SpiderNetSpace.MaxReductionCells}, got {ReductionCells}");
        if (InitialChannels < 1) throw new ArgumentException($"initial-channels must be >= 1, got {InitialChannels}");
    }
}

/// <summary>
/// The SpiderNet space: R + 1 cells in a chain, cell c with c + 1 inputs (the stem and every earlier cell), each a DAG of
/// gated edges that grows by edge splits and shrinks by pruning. A genotype records every cell's nodes and which ops are
/// still alive, so the network is rebuilt exactly from the log. It is laid out with a fixed length so it is an ordinary
/// <see cref="Genotype"/>: per cell, one position per node pair (i, j), i &lt; j &lt; <see cref="MaxNodes"/>, holding the
/// alive-op mask of edge i -> j (0: no edge). The cell's output is its highest node with an edge in (or the node after
/// its inputs when none has), so no count is stored.
/// The space does not mutate by positions: SpiderNet's only change is growth (<see cref="SpiderCell.Split"/>, chosen by
/// the train-free metrics) and pruning; every split re-initialises all weights, so nothing transfers.
/// </summary>
public sealed class SpiderNetSpace : ISearchSpace
{
    public const string SpaceName = "spidernet";

    /// <summary>Nodes a cell may reach (inputs included): a fixed genotype length, and a cap beside the memory budget.</summary>
    public const int MaxNodes = 16;

    public const int MaxReductionCells = 6;

    private static readonly int PairsPerCell = MaxNodes * (MaxNodes - 1) / 2;

    public SpiderNetSpace(SpiderNetSpaceSettings? settings = null)
    {
        Settings = settings ?? new SpiderNetSpaceSettings();
        Settings.Validate();
    }

    public SpiderNetSpaceSettings Settings { get; }
    public string Name => SpaceName;
    public int Cells => Settings.ReductionCells + 1;
    public int Length => Cells * PairsPerCell;
    public int ChoicesAt(int position) => SpiderOps.All + 1;
    public int TransferablePrefixLength(int changedPosition) => 0;

    /// <summary>Inputs of cell <paramref name="cell"/>: the stem and the cells before it.</summary>
    public static int InputsOf(int cell) => cell + 1;

    /// <summary>Channels of cell <paramref name="cell"/>: the first cell's, doubled at each reduction.</summary>
    public int ChannelsOf(int cell) => Settings.InitialChannels << cell;

    /// <summary>Whether an edge out of <paramref name="from"/> in cell <paramref name="cell"/> has stride 2: the edges out of
    /// the inputs of every cell after the first do the reduction (a split keeps that on the edge from the input).</summary>
    public static bool IsStrided(int cell, int from) => cell >= 1 && from < InputsOf(cell);

    /// <summary>The starting network: every cell with one fresh edge from each input to one node, and that node to the output.</summary>
    public IReadOnlyList<SpiderCell> InitialCells() => [.. Enumerable.Range(0, Cells).Select(c => SpiderCell.Initial(InputsOf(c)))];

    /// <summary>A SpiderNet search starts from the starting network, not from a random genotype.</summary>
    public Genotype Origin => Encode(InitialCells());

    public Genotype Encode(IReadOnlyList<SpiderCell> cells)
    {
        if (cells.Count != Cells) throw new ArgumentException($"a {Name} genotype has {Cells} cells, got {cells.Count}");
        var values = new int[Length];
        for (var c = 0; c < Cells; c++)
        {
            var cell = cells[c];
            if (cell.Inputs != InputsOf(c)) throw new ArgumentException($"cell {c} has {InputsOf(c)} inputs, got {cell.Inputs}");
            if (cell.Nodes > MaxNodes)
                throw new ArgumentException($"cell {c} has {cell.Nodes} nodes; a {Name} cell holds at most {MaxNodes}");
            if (cell.Nodes != InferredNodes(cell.Edges.Select(e => e.Key.To), InputsOf(c)))
                throw new ArgumentException($"cell {c}'s output (node {cell.Output}) has no edge in, and nodes before it do");
            foreach (var ((from, to), mask) in cell.Edges) values[c * PairsPerCell + PairIndex(from, to)] = mask;
        }
        return new Genotype(values);
    }

    public IReadOnlyList<SpiderCell> Decode(Genotype genotype)
    {
        this.Validate(genotype);
        var cells = new List<SpiderCell>(Cells);
        for (var c = 0; c < Cells; c++)
        {
            var edges = new List<KeyValuePair<(int From, int To), int>>();
            for (var to = 1; to < MaxNodes; to++)
                for (var from = 0; from < to; from++)
                    if (genotype[c * PairsPerCell + PairIndex(from, to)] is var mask and > 0)
                        edges.Add(new((from, to), mask));
            cells.Add(Cell(c, edges, $"cell {c}"));
        }
        return cells;
    }

    public string Format(Genotype genotype) => "|" + string.Join('|', Decode(genotype)) + "|";

    /// <summary>Reads "|cell 0|cell 1|...|", each cell "FROM>TO:OPS" items joined by commas ("-" for a cell left
    /// without edges), OPS seven 0/1 characters in <see cref="SpiderOp"/> order.</summary>
    public Genotype Parse(string text)
    {
        var body = text.Trim();
        if (body.Length < 2 || body[0] != '|' || body[^1] != '|')
            throw new GenotypeFormatException($"a {Name} genotype is written |cell|cell|...| (\"FROM>TO:OPS\" edges joined by commas), got \"{text}\"");
        var parts = body[1..^1].Split('|');
        if (parts.Length != Cells)
            throw new GenotypeFormatException($"a {Name} genotype with reduction-cells = {Settings.ReductionCells} has {Cells} cells, \"{text}\" has {parts.Length}");
        var cells = new List<SpiderCell>(Cells);
        for (var c = 0; c < Cells; c++)
        {
            var edges = new List<KeyValuePair<(int From, int To), int>>();
            if (parts[c].Trim() != "-")
                foreach (var item in parts[c].Split(',', StringSplitOptions.TrimEntries))
                    edges.Add(ParseEdge(item, c));
            cells.Add(Cell(c, edges, $"cell {c} (\"{parts[c]}\")"));
        }
        return Encode(cells);
    }

    private static KeyValuePair<(int From, int To), int> ParseEdge(string item, int cell)
    {
        var colon = item.Split(':');
        var ends = colon[0].Split('>');
        if (colon.Length != 2 || ends.Length != 2 || !int.TryParse(ends[0], out var from) || !int.TryParse(ends[1], out var to))
            throw new GenotypeFormatException($"cell {cell}: \"{item}\" is not an edge FROM>TO:OPS (e.g. 0>1:1111111)");
        var mask = SpiderOps.TryParse(colon[1])
            ?? throw new GenotypeFormatException($"cell {cell}: edge {from}>{to} has ops \"{colon[1]}\"; write seven 0/1 characters with at least one 1, " +
                $"in the order {string.Join(", ", SpiderOps.Names)}");
        return new((from, to), mask);
    }

    /// <summary>A cell from its edges, with the structure checked and any problem named by <paramref name="where"/>.</summary>
    private static SpiderCell Cell(int cell, List<KeyValuePair<(int From, int To), int>> edges, string where)
    {
        var inputs = InputsOf(cell);
        try
        {
            if (edges.Any(e => e.Key.To >= MaxNodes || e.Key.From < 0))
                throw new ArgumentException($"a cell holds nodes 0..{MaxNodes - 1}");
            return new SpiderCell(inputs, InferredNodes(edges.Select(e => e.Key.To), inputs), edges);
        }
        catch (ArgumentException e)
        {
            throw new GenotypeFormatException($"{where}: {e.Message}");
        }
    }

    /// <summary>The output is the highest node with an edge in; a cell with none left has only its output after the inputs.</summary>
    private static int InferredNodes(IEnumerable<int> edgeTargets, int inputs) => Math.Max(inputs + 1, edgeTargets.DefaultIfEmpty(-1).Max() + 1);

    /// <summary>Index of pair (from, to), from &lt; to, in the order (0,1), (0,2), (1,2), (0,3), ...</summary>
    private static int PairIndex(int from, int to) => to * (to - 1) / 2 + from;
}
