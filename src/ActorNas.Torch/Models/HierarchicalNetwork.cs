using ActorNas.Core;
using ActorNas.Core.Spaces.Hierarchical;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ActorNas.Torch.Models;

/// <summary>
/// A network of the hierarchical (FaDE) space: per stage s a conv C_{s-1} → C_s (k x k, "same" padding, with bias),
/// the stage's cell graph (<see cref="HierarchicalCell"/>) and a max pool; then flatten and a linear head. Its
/// parameter count is exactly <see cref="HierarchicalSpace.Cost"/>'s.
/// <para>Module names: <c>stage_{s}.conv</c>, <c>stage_{s}.cell.edge_{u}_{v}</c> (u → v in the graph's canonical
/// labelling), <c>head</c>.</para>
/// <para>Identities: the input is <c>Of("input", [C, H, W])</c>; a stage conv <c>Of("hier-conv", [in, out, k], what feeds
/// the stage)</c>; a vertex <c>Of("hier-vertex", [v, normalise], its inputs)</c> (a source vertex reads the stage conv);
/// an edge <c>Of("hier-edge", [channels, k, u, v], vertex u)</c>; the cell output <c>Of("hier-output", [normalise],
/// the sinks)</c>; the pool <c>Of("hier-pool", [size, padding], output)</c>; the head <c>Of("head", [features, classes],
/// last pool)</c>. A change at stage s therefore keeps every identity of the stages before it.</para>
/// </summary>
public sealed class HierarchicalNetwork : SearchNetwork
{
    private readonly HierarchicalStage[] _stages;
    private readonly Linear _head;
    private readonly IReadOnlyList<IdentifiedLayer> _layers;

    public HierarchicalNetwork(HierarchicalSpace space, Genotype genotype, InputShape input) : base(nameof(HierarchicalNetwork))
    {
        _layers = Describe(space, genotype, input);
        Space = space;
        Genotype = genotype;
        ActivationRecorder? Recorder() => ActivationRecorder;

        var settings = space.Settings;
        _stages = new HierarchicalStage[settings.Stages];
        var channels = settings.InputChannels;
        for (var s = 0; s < settings.Stages; s++)
        {
            var cell = new HierarchicalCell(space.GraphAt(genotype, s), settings.Channels[s], settings.Kernel, settings.Normalise, Recorder);
            _stages[s] = new HierarchicalStage(channels, settings.Channels[s], settings.Kernel, settings.Pools[s], settings.PoolPadding[s], cell);
            register_module(StageName(s), _stages[s]);
            channels = settings.Channels[s];
        }
        _head = nn.Linear(HeadFeatures(settings), settings.Classes);
        register_module(HeadName, _head);
    }

    public HierarchicalSpace Space { get; }
    public Genotype Genotype { get; }

    public override IReadOnlyList<IdentifiedLayer> Layers => _layers;

    public override Tensor forward(Tensor x)
    {
        var h = x;
        foreach (var stage in _stages) h = stage.forward(h);
        return _head.forward(h.flatten(1));
    }

    internal static string StageName(int stage) => $"stage_{stage}";
    internal static string EdgeName(int from, int to) => $"edge_{from}_{to}";
    internal const string ConvName = "conv";
    internal const string CellName = "cell";
    internal const string HeadName = "head";

    internal static long HeadFeatures(HierarchicalSpaceSettings settings)
    {
        var last = settings.Sizes()[^1];
        return (long)settings.Channels[^1] * last * last;
    }

    /// <summary>The layers, their identities and parameter counts, in forward order, without building anything.</summary>
    public static IReadOnlyList<IdentifiedLayer> Describe(HierarchicalSpace space, Genotype genotype, InputShape input)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(genotype);
        CheckInput(space.Settings, input);
        Networks.CheckGenotype(space, genotype);

        var settings = space.Settings;
        var k = settings.Kernel;
        var norm = settings.Normalise ? 1 : 0;
        var layers = new List<IdentifiedLayer>();
        var current = LayerIdentity.Of("input", [input.Channels, input.Height, input.Width]);
        var channels = settings.InputChannels;
        for (var s = 0; s < settings.Stages; s++)
        {
            var c = settings.Channels[s];
            var conv = LayerIdentity.Of("hier-conv", [channels, c, k], current);
            layers.Add(new IdentifiedLayer(conv, $"{StageName(s)}.{ConvName}", (long)channels * c * k * k + c));

            var graph = space.GraphAt(genotype, s);
            var vertices = new string[graph.Vertices];
            var sinks = new List<string>();
            for (var v = 0; v < graph.Vertices; v++)
            {
                var inputs = new List<string>();
                for (var u = 0; u < v; u++)
                {
                    if (!graph.HasEdge(u, v)) continue;
                    var edge = LayerIdentity.Of("hier-edge", [c, k, u, v], vertices[u]);
                    layers.Add(new IdentifiedLayer(edge, $"{StageName(s)}.{CellName}.{EdgeName(u, v)}", (long)c * c * k * k + c));
                    inputs.Add(edge);
                }
                if (inputs.Count == 0) inputs.Add(conv);
                vertices[v] = LayerIdentity.Of("hier-vertex", [v, norm], inputs.ToArray());
                if (graph.IsSink(v)) sinks.Add(vertices[v]);
            }
            var output = LayerIdentity.Of("hier-output", [norm], sinks.ToArray());
            current = LayerIdentity.Of("hier-pool", [settings.Pools[s], settings.PoolPadding[s]], output);
            channels = c;
        }
        var features = HeadFeatures(settings);
        layers.Add(new IdentifiedLayer(LayerIdentity.Of("head", [features, settings.Classes], current), HeadName,
            features * settings.Classes + settings.Classes));
        return layers;
    }

    /// <summary>The data must be the shape the space's settings describe (they fix the pools and the head).</summary>
    internal static void CheckInput(HierarchicalSpaceSettings settings, InputShape input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Channels != settings.InputChannels || input.Height != settings.ImageSize || input.Width != settings.ImageSize
            || input.Classes != settings.Classes)
            throw new ArgumentException(
                $"the data are {input.Channels} x {input.Height} x {input.Width} images of {input.Classes} classes, but the hierarchical " +
                $"space is set for {settings.InputChannels} x {settings.ImageSize} x {settings.ImageSize} images of {settings.Classes} classes; " +
                $"set {HierarchicalSpaceSettings.Section}.input-channels, .image-size and .classes to the data's " +
                $"(square images only)", nameof(input));
    }
}

/// <summary>One stage: conv C_{s-1} → C_s, then a cell (any module from C_s to C_s channels), then a max pool.</summary>
internal sealed class HierarchicalStage : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d _conv;
    private readonly nn.Module<Tensor, Tensor> _cell;
    private readonly int _pool;
    private readonly int _padding;

    public HierarchicalStage(long input, long output, int kernel, int pool, int padding, nn.Module<Tensor, Tensor> cell)
        : base(nameof(HierarchicalStage))
    {
        _conv = nn.Conv2d(input, output, kernel, padding: kernel / 2);
        _cell = cell;
        _pool = pool;
        _padding = padding;
        register_module(HierarchicalNetwork.ConvName, _conv);
        register_module(HierarchicalNetwork.CellName, _cell);
    }

    // submodules are registered by name above; TorchSharp's reflection over the fields would add "_conv" beside "conv"
    protected override void RegisterComponents() { }

    public override Tensor forward(Tensor x)
    {
        var h = _cell.forward(_conv.forward(x));
        return _pool == 1 && _padding == 0 ? h : nn.functional.max_pool2d(h, _pool, _pool, _padding);
    }
}

/// <summary>
/// A cell graph: INPUT feeds every vertex without predecessors; an edge u → v is conv k x k ("same" padding, with bias)
/// + ReLU; a vertex sums its inputs and, when normalising, divides the sum by its root mean square over each example
/// (sqrt(mean(x²) + 1e-5)); OUTPUT sums the vertices without successors (normalised the same way). The ReLU patterns go to the recorder (NASWOT).
/// </summary>
internal sealed class HierarchicalCell : nn.Module<Tensor, Tensor>
{
    private readonly CellGraph _graph;
    private readonly bool[] _sinks;
    private readonly Dictionary<(int From, int To), Conv2d> _edges = [];
    private readonly bool _normalise;
    private readonly Func<ActivationRecorder?> _recorder;

    public HierarchicalCell(CellGraph graph, long channels, int kernel, bool normalise, Func<ActivationRecorder?> recorder)
        : base(nameof(HierarchicalCell))
    {
        _graph = graph;
        _sinks = [.. Enumerable.Range(0, graph.Vertices).Select(graph.IsSink)];
        _normalise = normalise;
        _recorder = recorder;
        foreach (var (from, to) in graph.Edges)
        {
            var conv = nn.Conv2d(channels, channels, kernel, padding: kernel / 2);
            _edges[(from, to)] = conv;
            register_module(HierarchicalNetwork.EdgeName(from, to), conv);
        }
    }

    // the edges are registered by name above
    protected override void RegisterComponents() { }

    public override Tensor forward(Tensor x)
    {
        var values = new Tensor[_graph.Vertices];
        Tensor? output = null;
        for (var v = 0; v < _graph.Vertices; v++)
        {
            Tensor? sum = null;
            for (var u = 0; u < v; u++)
            {
                if (!_edges.TryGetValue((u, v), out var conv)) continue;
                var activated = nn.functional.relu(conv.forward(values[u]));
                ActivationPatterns.Record(_recorder(), activated, 0);
                sum = sum is null ? activated : sum + activated;
            }
            values[v] = Normalise(sum ?? x);
            if (_sinks[v]) output = output is null ? values[v] : output + values[v];
        }
        return Normalise(output!);
    }

    private const double RmsEpsilon = 1e-5;

    private Tensor Normalise(Tensor x)
    {
        if (!_normalise) return x;
        // Per example, so an example's output does not depend on the rest of its batch; scaled by sqrt(elements) (the
        // root mean square), so values stay of order 1: the plain norm shrinks them by sqrt(C*H*W) at every vertex, and
        // one epoch of SGD on Fashion-MNIST then stayed at chance (11 %). The epsilon under the root bounds the gain on an
        // example whose sum is (nearly) all zero, e.g. every unit after a ReLU dead: dividing by a norm clamped at 1e-12
        // multiplied its gradient by up to 1e12, and one such batch could turn a whole supernet's weights into NaN.
        var meanSquare = x.flatten(1).square().mean([1], keepdim: true);
        return x / meanSquare.add(RmsEpsilon).sqrt().view(-1, 1, 1, 1);
    }
}
