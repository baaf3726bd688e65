using ActorNas.Core;
using ActorNas.Core.Spaces;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ActorNas.Torch.Models;

/// <summary>
/// The NAS-Bench-201 macro skeleton around one cell: stem (3x3 conv + BN) to C channels; three stages of N cells with
/// C, 2C and 4C channels separated by residual reduction blocks; then BN, ReLU, global average pooling and a linear
/// head. Every cell uses the same genotype. With 3 input channels its parameter count is exactly
/// <see cref="Nb201Skeleton.Cost"/>'s.
/// <para>Module names (prefixes of the parameters): <c>stem</c>, <c>cells.{k}.edge_{e}</c> (k counts cells through all
/// stages, e is the genotype position; only convolution edges have modules), <c>reduce1</c>, <c>reduce2</c>, <c>head</c>.</para>
/// <para>Identities: a cell's node 0 is the identity of what feeds the cell; an edge is
/// <c>Of(op, [channels, to], source node)</c> (the target node keeps two convolutions from one source apart); node j is
/// <c>Of("node", edges into j in order)</c>, parameter-free and none edges included; the cell's output is node 3.</para>
/// </summary>
public sealed class Nb201Network : SearchNetwork
{
    private readonly ConvBn _stem;
    private readonly ModuleList<Nb201Cell> _cells;
    private readonly Nb201Reduction[] _reductions;
    private readonly Nb201Head _head;
    private readonly IReadOnlyList<IdentifiedLayer> _layers;

    public Nb201Network(Genotype genotype, InputShape input, NetworkSettings options) : base(nameof(Nb201Network))
    {
        _layers = Describe(genotype, input, options);
        Genotype = genotype;
        Input = input;
        Settings = options;

        var c = options.Nb201Channels;
        var n = options.Nb201CellsPerStage;
        ActivationRecorder? Recorder() => ActivationRecorder;

        _stem = new ConvBn(input.Channels, c, 3, 1);
        var cells = new List<Nb201Cell>();
        _reductions = new Nb201Reduction[2];
        for (var stage = 0; stage < 3; stage++)
        {
            if (stage > 0)
            {
                _reductions[stage - 1] = new Nb201Reduction(c, 2 * c, Recorder);
                c *= 2;
            }
            for (var cell = 0; cell < n; cell++) cells.Add(new Nb201Cell(genotype, c, Recorder));
        }
        _cells = new ModuleList<Nb201Cell>(cells.ToArray());
        _head = new Nb201Head(c, input.Classes, Recorder);

        register_module(StemName, _stem);
        register_module(CellsName, _cells);
        register_module(ReductionName(1), _reductions[0]);
        register_module(ReductionName(2), _reductions[1]);
        register_module(HeadName, _head);
    }

    public Genotype Genotype { get; }
    public InputShape Input { get; }
    public NetworkSettings Settings { get; }

    public override IReadOnlyList<IdentifiedLayer> Layers => _layers;

    public override Tensor forward(Tensor x)
    {
        var n = Settings.Nb201CellsPerStage;
        var h = _stem.forward(x);
        for (var stage = 0; stage < 3; stage++)
        {
            if (stage > 0) h = _reductions[stage - 1].forward(h);
            for (var cell = 0; cell < n; cell++) h = _cells[stage * n + cell].forward(h);
        }
        return _head.forward(h);
    }

    internal const string StemName = "stem";
    internal const string CellsName = "cells";
    internal const string HeadName = "head";
    internal static string ReductionName(int stage) => $"reduce{stage}";
    internal static string EdgeName(int position) => $"edge_{position}";
    internal static string EdgePrefix(int cell, int position) => $"{CellsName}.{cell}.{EdgeName(position)}";

    /// <summary>Kernel size of an operation that holds weights, 0 for a parameter-free one.</summary>
    internal static int KernelOf(int op) => Nb201Space.Operations[op] switch
    {
        "nor_conv_1x1" => 1,
        "nor_conv_3x3" => 3,
        _ => 0,
    };

    /// <summary>The layers, their identities and parameter counts, in forward order, without building anything.</summary>
    public static IReadOnlyList<IdentifiedLayer> Describe(Genotype genotype, InputShape input, NetworkSettings options)
    {
        ArgumentNullException.ThrowIfNull(genotype);
        Check(input, options);
        Networks.CheckGenotype(Nb201Space.Instance, genotype);

        var layers = new List<IdentifiedLayer>();
        var c = options.Nb201Channels;
        var n = options.Nb201CellsPerStage;
        var current = LayerIdentity.Of("stem", [input.Channels, c]);
        layers.Add(new IdentifiedLayer(current, StemName, ConvBn.Parameters(input.Channels, c, 3)));

        var nodes = new string[4];
        var edgesInto = new List<string>(3);
        var cellIndex = 0;
        for (var stage = 0; stage < 3; stage++)
        {
            if (stage > 0)
            {
                current = LayerIdentity.Of("reduce", [c, 2 * c], current);
                layers.Add(new IdentifiedLayer(current, ReductionName(stage), Nb201Reduction.Parameters(c, 2 * c)));
                c *= 2;
            }
            for (var cell = 0; cell < n; cell++, cellIndex++)
            {
                nodes[0] = current;
                for (var to = 1; to < 4; to++)
                {
                    edgesInto.Clear();
                    for (var position = 0; position < Nb201Space.Edges.Count; position++)
                    {
                        var (from, target) = Nb201Space.Edges[position];
                        if (target != to) continue;
                        var op = genotype[position];
                        var edge = LayerIdentity.Of(Nb201Space.Operations[op], [c, to], nodes[from]);
                        edgesInto.Add(edge);
                        var kernel = KernelOf(op);
                        if (kernel > 0)
                            layers.Add(new IdentifiedLayer(edge, EdgePrefix(cellIndex, position), ReluConvBn.Parameters(c, c, kernel)));
                    }
                    nodes[to] = LayerIdentity.Of("node", edgesInto.ToArray());
                }
                current = nodes[3];
            }
        }
        layers.Add(new IdentifiedLayer(LayerIdentity.Of("head", [c, input.Classes], current), HeadName,
            Nb201Head.Parameters(c, input.Classes)));
        return layers;
    }

    private static void Check(InputShape input, NetworkSettings options)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        if (input.Channels < 1 || input.Height < 1 || input.Width < 1 || input.Classes < 1)
            throw new ArgumentException($"the input shape must be positive: {input}", nameof(input));
        if (options.Nb201Channels < 1 || options.Nb201CellsPerStage < 1)
            throw new ArgumentException(
                $"NB201 needs at least 1 channel and 1 cell per stage, got C={options.Nb201Channels}, N={options.Nb201CellsPerStage}",
                nameof(options));
    }
}

/// <summary>One NB201 cell: node j is the sum over i &lt; j of op(i→j)(node i); a node without non-none input is zeros.</summary>
internal sealed class Nb201Cell : nn.Module<Tensor, Tensor>
{
    private readonly int[] _ops;
    private readonly ReluConvBn?[] _convs;

    public Nb201Cell(Genotype genotype, int channels, Func<ActivationRecorder?> recorder) : base(nameof(Nb201Cell))
    {
        _ops = genotype.ToArray();
        _convs = new ReluConvBn?[_ops.Length];
        for (var position = 0; position < _ops.Length; position++)
        {
            var kernel = Nb201Network.KernelOf(_ops[position]);
            if (kernel == 0) continue;
            _convs[position] = new ReluConvBn(channels, channels, kernel, 1, kernel / 2, recorder);
            register_module(Nb201Network.EdgeName(position), _convs[position]!);
        }
    }

    public override Tensor forward(Tensor x)
    {
        var nodes = new Tensor?[4];
        nodes[0] = x;
        for (var to = 1; to < 4; to++)
        {
            Tensor? sum = null;
            for (var position = 0; position < _ops.Length; position++)
            {
                var (from, target) = Nb201Space.Edges[position];
                if (target != to) continue;
                var source = nodes[from]!;
                Tensor? contribution = _ops[position] switch
                {
                    0 => null,                                                     // none
                    1 => source,                                                   // skip_connect
                    4 => nn.functional.avg_pool2d(source, 3, stride: 1, padding: 1, count_include_pad: false),
                    _ => _convs[position]!.forward(source),                        // nor_conv_1x1 / nor_conv_3x3
                };
                if (contribution is null) continue;
                sum = sum is null ? contribution : sum + contribution;
            }
            nodes[to] = sum ?? zeros_like(x);
        }
        return nodes[3]!;
    }
}

/// <summary>Residual reduction: ReLU-Conv3x3(stride 2)-BN, ReLU-Conv3x3-BN, plus a shortcut AvgPool(2, 2) then Conv1x1.</summary>
internal sealed class Nb201Reduction : nn.Module<Tensor, Tensor>
{
    private readonly ReluConvBn _convA;
    private readonly ReluConvBn _convB;
    private readonly Conv2d _shortcut;

    public Nb201Reduction(long input, long output, Func<ActivationRecorder?> recorder) : base(nameof(Nb201Reduction))
    {
        _convA = new ReluConvBn(input, output, 3, 2, 1, recorder);
        _convB = new ReluConvBn(output, output, 3, 1, 1, recorder);
        _shortcut = nn.Conv2d(input, output, 1, bias: false);
        register_module("conv_a", _convA);
        register_module("conv_b", _convB);
        register_module("shortcut", _shortcut);
    }

    public static long Parameters(long input, long output) =>
        ReluConvBn.Parameters(input, output, 3) + ReluConvBn.Parameters(output, output, 3) + input * output;

    public override Tensor forward(Tensor x)
    {
        var main = _convB.forward(_convA.forward(x));
        // ceil_mode keeps the shortcut's size equal to the stride-2 convolution's for odd sizes (same result for even ones)
        var pooled = nn.functional.avg_pool2d(x, 2, stride: 2, padding: 0, ceil_mode: true, count_include_pad: false);
        return _shortcut.forward(pooled) + main;
    }
}

/// <summary>The last BN and ReLU, global average pooling and the linear classifier.</summary>
internal sealed class Nb201Head : nn.Module<Tensor, Tensor>
{
    private readonly BatchNorm2d _bn;
    private readonly Linear _fc;
    private readonly Func<ActivationRecorder?> _recorder;

    public Nb201Head(long channels, long classes, Func<ActivationRecorder?> recorder) : base(nameof(Nb201Head))
    {
        _bn = nn.BatchNorm2d(channels);
        _fc = nn.Linear(channels, classes);
        _recorder = recorder;
        register_module("bn", _bn);
        register_module("fc", _fc);
    }

    public static long Parameters(long channels, long classes) => 2 * channels + channels * classes + classes;

    public override Tensor forward(Tensor x)
    {
        var activated = nn.functional.relu(_bn.forward(x));
        ActivationPatterns.Record(_recorder(), activated, 0);
        return _fc.forward(activated.mean([2, 3]));
    }
}
