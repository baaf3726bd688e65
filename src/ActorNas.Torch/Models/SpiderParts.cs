using ActorNas.Core.Spaces.SpiderNet;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ActorNas.Torch.Models;

/// <summary>The seven SpiderNet ops at a cell's channel count, stride 1 or 2 (every one halves the size the same way).</summary>
internal static class SpiderOpModules
{
    public static nn.Module<Tensor, Tensor> Create(SpiderOp op, long channels, long stride, Func<ActivationRecorder?> recorder) => op switch
    {
        SpiderOp.Identity => new StridedIdentity(stride),
        SpiderOp.MaxPool3 => new Pool3(max: true, stride),
        SpiderOp.AvgPool3 => new Pool3(max: false, stride),
        SpiderOp.SepConv3 => new SepConv(channels, 3, stride, recorder),
        SpiderOp.SepConv5 => new SepConv(channels, 5, stride, recorder),
        SpiderOp.DilConv3 => new DilConv(channels, 3, stride),
        SpiderOp.DilConv5 => new DilConv(channels, 5, stride),
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "not a SpiderNet op"),
    };
}

/// <summary>x itself, or every second pixel of it with stride 2 (ceil(H / 2), like the other ops).</summary>
internal sealed class StridedIdentity(long stride) : nn.Module<Tensor, Tensor>(nameof(StridedIdentity))
{
    public override Tensor forward(Tensor x) =>
        stride == 1 ? x.alias() : x.slice(2, 0, x.shape[2], stride).slice(3, 0, x.shape[3], stride);
}

/// <summary>3 x 3 max or average pooling, padding 1 (the average over the pixels inside the image).</summary>
internal sealed class Pool3(bool max, long stride) : nn.Module<Tensor, Tensor>(nameof(Pool3))
{
    public override Tensor forward(Tensor x) => max
        ? nn.functional.max_pool2d(x, 3, stride, 1)
        : nn.functional.avg_pool2d(x, 3, stride: stride, padding: 1, count_include_pad: false);
}

/// <summary>Separable conv k x k: depthwise (stride) -> 1 x 1 -> BN -> ReLU -> depthwise -> 1 x 1 -> BN; the ReLU's
/// pattern is recorded (the linear-region count reads it).</summary>
internal sealed class SepConv : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d _depth1, _point1, _depth2, _point2;
    private readonly BatchNorm2d _bn1, _bn2;
    private readonly Func<ActivationRecorder?> _recorder;

    public SepConv(long channels, long kernel, long stride, Func<ActivationRecorder?> recorder) : base(nameof(SepConv))
    {
        _depth1 = nn.Conv2d(channels, channels, kernel, stride: stride, padding: kernel / 2, groups: channels, bias: false);
        _point1 = nn.Conv2d(channels, channels, 1, bias: false);
        _bn1 = nn.BatchNorm2d(channels);
        _depth2 = nn.Conv2d(channels, channels, kernel, padding: kernel / 2, groups: channels, bias: false);
        _point2 = nn.Conv2d(channels, channels, 1, bias: false);
        _bn2 = nn.BatchNorm2d(channels);
        _recorder = recorder;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var h = nn.functional.relu(_bn1.forward(_point1.forward(_depth1.forward(x))));
        ActivationPatterns.Record(_recorder(), h, 0);
        return _bn2.forward(_point2.forward(_depth2.forward(h)));
    }
}

/// <summary>Dilated conv k x k: depthwise with dilation 2 (stride) -> 1 x 1 -> BN, no nonlinearity.</summary>
internal sealed class DilConv : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d _depth, _point;
    private readonly BatchNorm2d _bn;

    public DilConv(long channels, long kernel, long stride) : base(nameof(DilConv))
    {
        _depth = nn.Conv2d(channels, channels, kernel, stride: stride, padding: kernel - 1, dilation: 2, groups: channels, bias: false);
        _point = nn.Conv2d(channels, channels, 1, bias: false);
        _bn = nn.BatchNorm2d(channels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => _bn.forward(_point.forward(_depth.forward(x)));
}

/// <summary>
/// An edge: the sum of its alive ops, each times its gate. A gate is a scalar w (initially 0.01) and multiplies by
/// step(w &gt; 0) + (w mod 1e-9): about 1 while w &gt; 0 and 0 otherwise, with slope 1, so w gets the straight-through
/// gradient &lt;dL/dy, op(x)&gt; and a closed gate can open again. Drop-path (training only, not on identity) drops an
/// op's output per sample with probability <see cref="SpiderNetwork.DropPath"/>.
/// <para>Names: <c>op_{k}</c> for op k (<see cref="SpiderOp"/>), <c>gate</c> (seven entries; a pruned op's is unused).</para>
/// </summary>
internal sealed class SpiderEdge : nn.Module<Tensor, Tensor>
{
    public const double InitialGate = 0.01;

    private readonly (SpiderOp Op, nn.Module<Tensor, Tensor> Module)[] _ops;
    private readonly Func<(double Probability, Generator? Generator)> _dropPath;

    public SpiderEdge(int mask, long channels, long stride, Func<ActivationRecorder?> recorder, Func<(double, Generator?)> dropPath)
        : base(nameof(SpiderEdge))
    {
        _ops = [.. SpiderOps.AliveIn(mask).Select(op => (op, SpiderOpModules.Create(op, channels, stride, recorder)))];
        foreach (var (op, module) in _ops) register_module($"op_{(int)op}", module);
        register_parameter(GateName, new Parameter(full(SpiderOps.Count, InitialGate)));
        _dropPath = dropPath;
    }

    private const string GateName = "gate";

    /// <summary>The gates, looked up each time: moving the module to another dtype or device replaces its parameters.</summary>
    public Parameter Gate => get_parameter(GateName) ?? throw new InvalidOperationException("the edge lost its gates");

    /// <summary>The ops this edge still has.</summary>
    public IEnumerable<SpiderOp> Ops => _ops.Select(o => o.Op);

    public override Tensor forward(Tensor x)
    {
        Tensor? sum = null;
        var (drop, generator) = training ? _dropPath() : (0, null);
        var gate = Gate;
        foreach (var (op, module) in _ops)
        {
            var w = gate[(int)op];
            var multiplier = w.gt(0).to_type(x.dtype) + w.remainder(1e-9).to_type(x.dtype);
            var y = module.forward(x) * multiplier;
            if (drop > 0 && op != SpiderOp.Identity)
            {
                var keep = empty(x.shape[0], 1, 1, 1, dtype: x.dtype, device: x.device).bernoulli_(1 - drop, generator);
                y = y * keep / (1 - drop);
            }
            sum = sum is null ? y : sum + y;
        }
        return sum ?? throw new InvalidOperationException("an edge without ops");
    }
}
