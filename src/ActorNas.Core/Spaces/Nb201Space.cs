using System.Text;

namespace ActorNas.Core.Spaces;

/// <summary>
/// The NAS-Bench-201 cell: 4 nodes, 6 edges, 5 operations per edge (15,625 cells).
/// Position order is the order of the standard string: 0→1 | 0→2, 1→2 | 0→3, 1→3, 2→3.
/// </summary>
public sealed class Nb201Space : ISearchSpace
{
    public const string SpaceName = "nb201";

    /// <summary>Operation names; the index is the genotype value (the benchmark's own op codes).</summary>
    public static readonly IReadOnlyList<string> Operations =
        ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"];

    /// <summary>(from, to) node of every position.</summary>
    public static readonly IReadOnlyList<(int From, int To)> Edges =
        [(0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3)];

    public static Nb201Space Instance { get; } = new();

    public string Name => SpaceName;
    public int Length => 6;
    public int ChoicesAt(int position) => Operations.Count;

    /// <summary>
    /// The cell is repeated through the whole network, so any edge change alters every cell;
    /// within the ordered edges, the edges listed before the change keep their configuration.
    /// </summary>
    public int TransferablePrefixLength(int changedPosition) => changedPosition;

    public string Format(Genotype genotype)
    {
        this.Validate(genotype);
        var sb = new StringBuilder("|");
        for (var i = 0; i < Edges.Count; i++)
        {
            if (i > 0 && Edges[i].From == 0) sb.Append("+|");
            sb.Append(Operations[genotype[i]]).Append('~').Append(Edges[i].From).Append('|');
        }
        return sb.ToString();
    }

    public Genotype Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var nodes = text.Split('+');
        if (nodes.Length != 3)
            throw Error(text, $"expected 3 node groups separated by '+', found {nodes.Length}");
        var values = new List<int>(6);
        var offset = 0;
        for (var node = 0; node < 3; node++)
        {
            var group = nodes[node];
            if (group.Length < 2 || group[0] != '|' || group[^1] != '|')
                throw Error(text, $"node group {node + 1} (at character {offset}) must start and end with '|': \"{group}\"");
            var items = group[1..^1].Split('|');
            if (items.Length != node + 1)
                throw Error(text, $"node {node + 1} (at character {offset}) needs {node + 1} incoming edge(s), found {items.Length}");
            var itemOffset = offset + 1;
            for (var input = 0; input <= node; input++)
            {
                var item = items[input];
                var tilde = item.LastIndexOf('~');
                if (tilde < 0)
                    throw Error(text, $"edge \"{item}\" at character {itemOffset} must look like op~{input}");
                var op = item[..tilde];
                var from = item[(tilde + 1)..];
                var code = IndexOf(op);
                if (code < 0)
                    throw Error(text, $"unknown operation \"{op}\" at character {itemOffset}; expected one of {string.Join(", ", Operations)}");
                if (from != input.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    throw Error(text, $"edge \"{item}\" at character {itemOffset} must come from node {input}, not \"{from}\"");
                values.Add(code);
                itemOffset += item.Length + 1;
            }
            offset += group.Length + 1;
        }
        return new Genotype(values);
    }

    private static int IndexOf(string op)
    {
        for (var i = 0; i < Operations.Count; i++)
            if (Operations[i] == op) return i;
        return -1;
    }

    private static GenotypeFormatException Error(string text, string problem) =>
        new($"not a NAS-Bench-201 cell string: {problem}. Input: \"{text}\". " +
            "Expected the form |op~0|+|op~0|op~1|+|op~0|op~1|op~2|");
}
