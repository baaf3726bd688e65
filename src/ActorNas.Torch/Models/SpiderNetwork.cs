using ActorNas.Core;
using ActorNas.Core.Spaces.SpiderNet;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ActorNas.Torch.Models;

/// <summary>
/// A network of the SpiderNet space (its parameter count is <see cref="SpiderCost.Parameters"/>'s): a stem (3 x 3 conv + BN), then R + 1 cells, cell c reading the stem and every
/// earlier cell, each through a scaler (1 x 1 conv + BN, strided down to the resolution before the cell's reduction;
/// none in cell 0) into its input nodes; a node sums the edges into it and applies its own BN; the cell's output is its
/// last node. Every cell has a head (global average pool + linear): <see cref="forward"/> gives the last cell's logits,
/// <see cref="ForwardHeads"/> every cell's, for the loss CE(last) + 0.4 Σ CE(earlier) (<see cref="Loss"/>).
/// Edges out of the inputs of cells after the first have stride 2: cell c's resolution is the input's halved c times.
/// <para>An edge can be masked (<see cref="SetMasked"/>): it then adds nothing, and a node with nothing left to sum is
/// absent, as are edges out of it. With a split's two new edges masked, the network computes what the network before
/// the split computed (the "off" copy of SpiderNet's on/off pair).</para>
/// <para>Names: <c>stem</c>, <c>cell_{c}.scaler_{k}</c>, <c>cell_{c}.edge_{i}_{j}.op_{k}</c>, <c>cell_{c}.edge_{i}_{j}.gate</c>,
/// <c>cell_{c}.node_{n}</c>, <c>head_{c}</c>.</para>
/// </summary>
public sealed class SpiderNetwork : SearchNetwork
{
    /// <summary>The weight of the earlier cells' heads in the loss.</summary>
    public const double AuxiliaryWeight = 0.4;

    private readonly ConvBn _stem;
    private readonly SpiderCellModule[] _cells;
    private readonly Linear[] _heads;
    private readonly IReadOnlyList<IdentifiedLayer> _layers;

    public SpiderNetwork(SpiderNetSpace space, Genotype genotype, InputShape input) : base(nameof(SpiderNetwork))
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(input);
        Space = space;
        Genotype = genotype;
        Cells = space.Decode(genotype);
        ActivationRecorder? Recorder() => ActivationRecorder;

        var sizes = Sizes(space, input);
        _stem = new ConvBn(input.Channels, space.ChannelsOf(0), 3, 1);
        register_module("stem", _stem);
        _cells = new SpiderCellModule[space.Cells];
        _heads = new Linear[space.Cells];
        for (var c = 0; c < space.Cells; c++)
        {
            _cells[c] = new SpiderCellModule(space, c, Cells[c], sizes[c + 1], Recorder, () => (DropPath, DropPathGenerator));
            register_module($"cell_{c}", _cells[c]);
            _heads[c] = nn.Linear(space.ChannelsOf(c), input.Classes);
            register_module($"head_{c}", _heads[c]);
        }
        var identity = space.Format(genotype);
        _layers = [.. new[] { "stem" }.Concat(Enumerable.Range(0, space.Cells).SelectMany(c => new[] { $"cell_{c}", $"head_{c}" }))
            .Select(prefix => new IdentifiedLayer(LayerIdentity.Of("spidernet", [input.Channels, input.Height, input.Width, input.Classes],
                prefix, identity), prefix, named_parameters().Where(p => p.name.StartsWith(prefix + ".", StringComparison.Ordinal)).Sum(p => p.parameter.numel())))];
    }

    public SpiderNetSpace Space { get; }
    public Genotype Genotype { get; }
    public IReadOnlyList<SpiderCell> Cells { get; }

    /// <summary>Probability that an op's output (not identity's) is dropped for a sample while training; 0: never.</summary>
    public double DropPath { get; set; }

    /// <summary>Where drop-path draws from (null: libtorch's global generator, shared with every other thread).</summary>
    public Generator? DropPathGenerator { get; set; }

    public override IReadOnlyList<IdentifiedLayer> Layers => _layers;

    /// <summary>The spatial size after the stem and after each cell: the input's, then halved (rounding up) by every
    /// cell after the first.</summary>
    public static IReadOnlyList<int> Sizes(SpiderNetSpace space, InputShape input) => [input.Height, .. SpiderCost.Sizes(space, input.Height)];

    public override Tensor forward(Tensor x) => ForwardHeads(x)[^1];

    /// <summary>Every cell's head's logits, first cell first.</summary>
    public IReadOnlyList<Tensor> ForwardHeads(Tensor x)
    {
        var outputs = new List<Tensor> { _stem.forward(x) };
        var logits = new Tensor[_cells.Length];
        for (var c = 0; c < _cells.Length; c++)
        {
            var h = _cells[c].Run(outputs, x.shape[0]);
            outputs.Add(h);
            logits[c] = _heads[c].forward(h.mean([2, 3]));
        }
        return logits;
    }

    /// <summary>CE(last head) + 0.4 Σ CE(earlier heads).</summary>
    public static Tensor Loss(IReadOnlyList<Tensor> heads, Tensor labels)
    {
        var loss = nn.functional.cross_entropy(heads[^1], labels);
        for (var c = 0; c < heads.Count - 1; c++) loss = loss + AuxiliaryWeight * nn.functional.cross_entropy(heads[c], labels);
        return loss;
    }

    /// <summary>Masks edge <paramref name="from"/> -> <paramref name="to"/> of cell <paramref name="cell"/> (or unmasks it).</summary>
    public void SetMasked(int cell, int from, int to, bool masked) => _cells[cell].SetMasked(from, to, masked);

    /// <summary>Every alive op's gate: its cell and edge, the op, and the edge's gate vector with the op's index in it.</summary>
    public IEnumerable<SpiderGate> Gates =>
        _cells.SelectMany((cell, c) => cell.EdgeModules.SelectMany(e => e.Module.Ops.Select(op => new SpiderGate(c, e.From, e.To, op, e.Module.Gate))));
}

/// <summary>One op's gate: <c>Gate[(int)Op]</c> is its w.</summary>
public sealed record SpiderGate(int Cell, int From, int To, SpiderOp Op, Parameter Gate)
{
    public bool IsOpen
    {
        get
        {
            using var noGrad = no_grad();
            return Gate[(int)Op].to_type(ScalarType.Float64).item<double>() > 0;
        }
    }
}

/// <summary>One cell: scalers, gated edges and node norms; <see cref="Run"/> computes its output from the stem's and the
/// earlier cells' outputs.</summary>
internal sealed class SpiderCellModule : nn.Module
{
    private readonly SpiderCell _cell;
    private readonly nn.Module<Tensor, Tensor>?[] _scalers;
    private readonly Dictionary<(int From, int To), SpiderEdge> _edges = [];
    private readonly Dictionary<int, BatchNorm2d> _nodes = [];
    private readonly HashSet<(int, int)> _masked = [];
    private readonly long _channels;
    private readonly int _size;

    public SpiderCellModule(SpiderNetSpace space, int index, SpiderCell cell, int size, Func<ActivationRecorder?> recorder,
        Func<(double, Generator?)> dropPath)
        : base($"cell_{index}")
    {
        _cell = cell;
        _channels = space.ChannelsOf(index);
        _size = size;
        // input k is the stem (k = 0, level 0) or cell k - 1 (level k - 1); the scaler brings it to this cell's channels at
        // the level before the cell's own reduction
        var target = Math.Max(index - 1, 0);
        _scalers = new nn.Module<Tensor, Tensor>?[cell.Inputs];
        for (var k = 0; k < cell.Inputs; k++)
        {
            var level = Math.Max(k - 1, 0);
            var channels = space.ChannelsOf(level);
            var stride = 1L << (target - level);
            if (channels == _channels && stride == 1) continue;
            _scalers[k] = channels == _channels ? new StridedIdentity(stride) : new Scaler(channels, _channels, stride);
            register_module($"scaler_{k}", _scalers[k]!);
        }
        foreach (var ((from, to), mask) in cell.Edges)
        {
            var edge = new SpiderEdge(mask, _channels, SpiderNetSpace.IsStrided(index, from) ? 2 : 1, recorder, dropPath);
            _edges[(from, to)] = edge;
            register_module($"edge_{from}_{to}", edge);
        }
        for (var n = cell.Inputs; n <= cell.Output; n++)
        {
            _nodes[n] = nn.BatchNorm2d(_channels);
            register_module($"node_{n}", _nodes[n]);
        }
    }

    public IEnumerable<(int From, int To, SpiderEdge Module)> EdgeModules => _edges.Select(e => (e.Key.From, e.Key.To, e.Value));

    public void SetMasked(int from, int to, bool masked)
    {
        if (!_edges.ContainsKey((from, to))) throw new ArgumentException($"edge {from}>{to} is not in the cell: {_cell}");
        if (masked) _masked.Add((from, to));
        else _masked.Remove((from, to));
    }

    public Tensor Run(IReadOnlyList<Tensor> inputs, long batch)
    {
        var values = new Tensor?[_cell.Nodes];
        for (var k = 0; k < _cell.Inputs; k++) values[k] = _scalers[k] is { } scaler ? scaler.forward(inputs[k]) : inputs[k];
        for (var n = _cell.Inputs; n <= _cell.Output; n++)
        {
            Tensor? sum = null;
            foreach (var ((from, to), edge) in _edges)
            {
                if (to != n || values[from] is not { } source || _masked.Contains((from, to))) continue;
                var y = edge.forward(source);
                sum = sum is null ? y : sum + y;
            }
            values[n] = sum is null ? null : _nodes[n].forward(sum);
        }
        // every path pruned or masked: the cell outputs zero
        return values[_cell.Output] ?? zeros(batch, _channels, _size, _size, dtype: inputs[0].dtype, device: inputs[0].device);
    }
}

/// <summary>1 x 1 conv (strided) + BN: an input brought to a cell's channels and resolution.</summary>
internal sealed class Scaler : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d _conv;
    private readonly BatchNorm2d _bn;

    public Scaler(long input, long output, long stride) : base(nameof(Scaler))
    {
        _conv = nn.Conv2d(input, output, 1, stride: stride, bias: false);
        _bn = nn.BatchNorm2d(output);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => _bn.forward(_conv.forward(x));
}
