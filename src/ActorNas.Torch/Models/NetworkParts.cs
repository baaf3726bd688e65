using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ActorNas.Torch.Models;

/// <summary>Records binary activation patterns for <see cref="SearchNetwork.ActivationRecorder"/>.</summary>
internal static class ActivationPatterns
{
    /// <summary>Appends (output &gt; threshold) as float32 (B, units), detached, to the recorder when there is one.</summary>
    public static void Record(ActivationRecorder? recorder, Tensor output, double threshold)
    {
        if (recorder is null) return;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var pattern = output.detach().gt(threshold).flatten(1).to_type(ScalarType.Float32);
        recorder.Add(pattern.MoveToOuterDisposeScope());
    }
}

/// <summary>ReLU, then a bias-free convolution, then an affine batch norm; the ReLU's pattern is recorded.</summary>
internal sealed class ReluConvBn : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d _conv;
    private readonly BatchNorm2d _bn;
    private readonly Func<ActivationRecorder?> _recorder;

    public ReluConvBn(long input, long output, long kernel, long stride, long padding, Func<ActivationRecorder?> recorder)
        : base(nameof(ReluConvBn))
    {
        _conv = nn.Conv2d(input, output, kernel, stride: stride, padding: padding, bias: false);
        _bn = nn.BatchNorm2d(output);
        _recorder = recorder;
        register_module("conv", _conv);
        register_module("bn", _bn);
    }

    /// <summary>Trainable parameters: the kernel and the norm's scale and shift.</summary>
    public static long Parameters(long input, long output, long kernel) => input * output * kernel * kernel + 2 * output;

    public override Tensor forward(Tensor x)
    {
        var activated = nn.functional.relu(x);
        ActivationPatterns.Record(_recorder(), activated, 0);
        return _bn.forward(_conv.forward(activated));
    }
}

/// <summary>A bias-free convolution followed by an affine batch norm, no nonlinearity (the NB201 stem).</summary>
internal sealed class ConvBn : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d _conv;
    private readonly BatchNorm2d _bn;

    public ConvBn(long input, long output, long kernel, long padding) : base(nameof(ConvBn))
    {
        _conv = nn.Conv2d(input, output, kernel, padding: padding, bias: false);
        _bn = nn.BatchNorm2d(output);
        register_module("conv", _conv);
        register_module("bn", _bn);
    }

    public static long Parameters(long input, long output, long kernel) => input * output * kernel * kernel + 2 * output;

    public override Tensor forward(Tensor x) => _bn.forward(_conv.forward(x));
}
