using TorchSharp;
using static TorchSharp.torch;

namespace ActorNas.Torch.Training;

/// <summary>
/// The condition number of the empirical neural tangent kernel (SpiderNet's and TE-NAS's train-free metric): for each
/// sample i of a batch, g_i = d(sum of sample i's logits)/d(every weight tensor), with one forward pass of the whole
/// batch in training mode (batch statistics); Theta = G G^T over the rows g_i, in float64; kappa = lambda_max /
/// lambda_min from the symmetric eigen-solver. Lower is better (a better-conditioned kernel trains faster).
/// </summary>
/// <remarks>
/// "Weight tensors" are the parameters whose name ends in <c>weight</c>: convolution and linear kernels and batch-norm
/// gains, not biases (as the authors' code selects them). The batch is cast to the weights' dtype. Run the network in
/// float64 on the CPU (<see cref="Evaluators.TrainFreeScoring"/> does): libtorch 2.10's oneDNN float32 convolution
/// backward gave wrong and NaN per-sample gradients for 3-channel convolutions on this project's AMD Zen 5 machines,
/// even with oneDNN capped at AVX2 (float64 and an SSE4.1 cap agreed with each other).
/// </remarks>
public static class NtkConditionNumber
{
    /// <summary>The authors' value when kappa is not a number: Theta = 0 (no weight moves any logit).</summary>
    public const double Undefined = 1e5;

    // float64's unit round-off (double.Epsilon is the smallest subnormal, not this)
    private const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>kappa of <paramref name="network"/> on <paramref name="batch"/> (at least 2 samples).</summary>
    public static double Of(nn.Module<Tensor, Tensor> network, Tensor batch)
    {
        using var scope = NewDisposeScope();
        return FromKernel(Kernel(network, batch));
    }

    /// <summary>Theta = G G^T (B x B, float64) of <paramref name="network"/> on <paramref name="batch"/>.</summary>
    public static Tensor Kernel(nn.Module<Tensor, Tensor> network, Tensor batch)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.shape[0] < 2) throw new ArgumentException($"the NTK needs at least 2 samples, got {batch.shape[0]}", nameof(batch));
        var weights = network.named_parameters()
            .Where(p => p.parameter.requires_grad && p.name.EndsWith("weight", StringComparison.Ordinal))
            .Select(p => (Tensor)p.parameter).ToList();
        if (weights.Count == 0) throw new InvalidOperationException("the network has no weight tensors to take the NTK over");

        using var scope = NewDisposeScope();
        network.train();
        using var gradients = enable_grad();
        var logits = network.forward(batch.to(weights[0].dtype));
        var samples = logits.shape[0];
        var rows = new List<Tensor>((int)samples);
        for (var i = 0; i < samples; i++)
        {
            // one sample's gradient; the graph is kept for the next sample (the whole batch shares one forward)
            var grads = autograd.grad([logits[i].sum()], weights, retain_graph: i < samples - 1, allow_unused: true);
            rows.Add(cat(grads.Select((g, k) => (g is null || g.IsInvalid ? zeros_like(weights[k]) : g).flatten()).ToList(), 0));
        }
        network.zero_grad();
        var g = stack(rows).to(float64);
        return g.matmul(g.t()).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// kappa of a symmetric positive semi-definite kernel: <see cref="Undefined"/> when every eigenvalue is 0 (0/0);
    /// +infinity when Theta is singular (lambda_min &lt;= n * eps * lambda_max, which also catches a lambda_min that
    /// rounding made negative and that would otherwise give a negative kappa ranked best); else lambda_max / lambda_min.
    /// </summary>
    public static double FromKernel(Tensor theta)
    {
        ArgumentNullException.ThrowIfNull(theta);
        using var scope = NewDisposeScope();
        var eigenvalues = linalg.eigvalsh(theta.to(float64));   // ascending
        var min = eigenvalues[0].item<double>();
        var max = eigenvalues[-1].item<double>();
        if (!(max > 0)) return Undefined;
        if (min <= theta.shape[0] * MachineEpsilon * max) return double.PositiveInfinity;
        return max / min;
    }
}
