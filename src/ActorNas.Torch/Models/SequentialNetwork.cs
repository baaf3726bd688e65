using ActorNas.Core;
using ActorNas.Core.Spaces;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ActorNas.Torch.Models;

/// <summary>
/// A network of the sequential space. The flattened input (C*H*W features) is anchor a_0; layer l reads a_l,
/// h = op(a_l) (identity, or dense: Linear + activation); with skip k &gt; 0, h += P(a_{l+1-k}) where P is the identity
/// when the widths match, else a bias-free Linear; a_{l+1} = h. The head is Linear(width(a_L) → classes).
/// <para>Module names: <c>dense_{l}</c>, <c>proj_{l}</c>, <c>head</c>.</para>
/// <para>Identities: a_0 = <c>Of("input", [C, H, W])</c>; dense = <c>Of("dense", [in, units, activation], a_l)</c>
/// (identity op: <c>Of("identity", a_l)</c>, no weights); projection = <c>Of("proj", [from, to, k], anchor)</c> (k keeps
/// two projections of one anchor by different layers apart); a_{l+1} = <c>Of("anchor", [k], op, anchor or projection)</c>
/// (k = 0: <c>Of("anchor", [0], op)</c>); head = <c>Of("head", [width, classes], a_L)</c>.</para>
/// </summary>
public sealed class SequentialNetwork : SearchNetwork
{
    private readonly Linear?[] _dense;
    private readonly Func<Tensor, Tensor>?[] _activation;
    private readonly double[] _threshold;
    private readonly Linear?[] _projection;
    private readonly int[] _skip;
    private readonly Linear _head;
    private readonly IReadOnlyList<IdentifiedLayer> _layers;

    /// <param name="unitsCap">When set, no dense layer has more units than this (a narrow copy); null: as the genotype says.</param>
    public SequentialNetwork(SequentialSpace space, Genotype genotype, InputShape input, int? unitsCap = null) : base(nameof(SequentialNetwork))
    {
        _layers = Describe(space, genotype, input, unitsCap);
        Space = space;
        Genotype = genotype;
        Input = input;

        var layers = space.Settings.Layers;
        _dense = new Linear?[layers];
        _activation = new Func<Tensor, Tensor>?[layers];
        _threshold = new double[layers];
        _projection = new Linear?[layers];
        _skip = new int[layers];
        var widths = new List<long> { (long)input.Channels * input.Height * input.Width };
        for (var l = 0; l < layers; l++)
        {
            var width = widths[l];
            if (space.Operation(genotype[2 * l]) is { } op)
            {
                var units = UnitsOf(op.Units, unitsCap);
                _dense[l] = nn.Linear(width, units);
                (_activation[l], _threshold[l]) = ActivationOf(op.Activation);
                register_module(DenseName(l), _dense[l]!);
                width = units;
            }
            _skip[l] = genotype[2 * l + 1];
            if (_skip[l] > 0 && widths[l + 1 - _skip[l]] != width)
            {
                _projection[l] = nn.Linear(widths[l + 1 - _skip[l]], width, hasBias: false);
                register_module(ProjectionName(l), _projection[l]!);
            }
            widths.Add(width);
        }
        _head = nn.Linear(widths[layers], input.Classes);
        register_module(HeadName, _head);
    }

    public SequentialSpace Space { get; }
    public Genotype Genotype { get; }
    public InputShape Input { get; }

    public override IReadOnlyList<IdentifiedLayer> Layers => _layers;

    public override Tensor forward(Tensor x)
    {
        var anchors = new List<Tensor>(_dense.Length + 1) { x.flatten(1) };
        for (var l = 0; l < _dense.Length; l++)
        {
            var h = anchors[l];
            if (_dense[l] is { } dense)
            {
                h = _activation[l]!(dense.forward(h));
                ActivationPatterns.Record(ActivationRecorder, h, _threshold[l]);
            }
            if (_skip[l] > 0)
            {
                var anchor = anchors[l + 1 - _skip[l]];
                h = h + (_projection[l] is { } projection ? projection.forward(anchor) : anchor);
            }
            anchors.Add(h);
        }
        return _head.forward(anchors[^1]);
    }

    private static int UnitsOf(int units, int? cap) => cap is { } c
        ? c >= 1 ? Math.Min(units, c) : throw new ArgumentException($"a dense units cap must be >= 1, got {c}", nameof(cap))
        : units;

    internal static string DenseName(int layer) => $"dense_{layer}";
    internal static string ProjectionName(int layer) => $"proj_{layer}";
    internal const string HeadName = "head";

    /// <summary>The activations a dense operation may name, and where a unit counts as on.</summary>
    public static IReadOnlyList<string> SupportedActivations { get; } =
        ["relu", "tanh", "sigmoid", "elu", "selu", "gelu", "silu", "leaky_relu"];

    private static (Func<Tensor, Tensor> Function, double Threshold) ActivationOf(string name) => name switch
    {
        "relu" => (t => nn.functional.relu(t), 0),
        "tanh" => (t => t.tanh(), 0),
        "sigmoid" => (t => t.sigmoid(), 0.5),
        "elu" => (t => nn.functional.elu(t, 1.0), 0),
        "selu" => (t => nn.functional.selu(t), 0),
        "gelu" => (t => nn.functional.gelu(t), 0),
        "silu" => (t => nn.functional.silu(t), 0),
        "leaky_relu" => (t => nn.functional.leaky_relu(t, 0.01), 0),
        _ => throw UnknownActivation(name),
    };

    private static ArgumentException UnknownActivation(string name) =>
        new($"the sequential network does not know the activation \"{name}\"; supported: {string.Join(", ", SupportedActivations)}");

    /// <summary>The layers, their identities and parameter counts, in forward order, without building anything.</summary>
    public static IReadOnlyList<IdentifiedLayer> Describe(SequentialSpace space, Genotype genotype, InputShape input, int? unitsCap = null)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(genotype);
        ArgumentNullException.ThrowIfNull(input);
        if (input.Channels < 1 || input.Height < 1 || input.Width < 1 || input.Classes < 1)
            throw new ArgumentException($"the input shape must be positive: {input}", nameof(input));
        Networks.CheckGenotype(space, genotype);

        var layers = new List<IdentifiedLayer>();
        var widths = new List<long> { (long)input.Channels * input.Height * input.Width };
        var anchors = new List<string> { LayerIdentity.Of("input", [input.Channels, input.Height, input.Width]) };
        for (var l = 0; l < space.Settings.Layers; l++)
        {
            var width = widths[l];
            string op;
            if (space.Operation(genotype[2 * l]) is { } dense)
            {
                if (!SupportedActivations.Contains(dense.Activation)) throw UnknownActivation(dense.Activation);
                var units = UnitsOf(dense.Units, unitsCap);
                op = LayerIdentity.Of("dense", [width, units, dense.Activation], anchors[l]);
                layers.Add(new IdentifiedLayer(op, DenseName(l), width * units + units));
                width = units;
            }
            else
            {
                op = LayerIdentity.Of("identity", anchors[l]);
            }

            var k = genotype[2 * l + 1];
            string anchor;
            if (k == 0)
            {
                anchor = LayerIdentity.Of("anchor", [0], op);
            }
            else
            {
                var from = l + 1 - k;
                var reads = anchors[from];
                if (widths[from] != width)
                {
                    reads = LayerIdentity.Of("proj", [widths[from], width, k], anchors[from]);
                    layers.Add(new IdentifiedLayer(reads, ProjectionName(l), widths[from] * width));
                }
                anchor = LayerIdentity.Of("anchor", [k], op, reads);
            }
            anchors.Add(anchor);
            widths.Add(width);
        }
        var last = widths[^1];
        layers.Add(new IdentifiedLayer(LayerIdentity.Of("head", [last, input.Classes], anchors[^1]), HeadName,
            last * input.Classes + input.Classes));
        return layers;
    }
}
