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
    /// <param name="orthogonalToOnes">Take kappa on the samples' subspace orthogonal to (1, ..., 1) (see
    /// <see cref="FromKernel"/>): for networks whose logits read a training-mode batch norm through average pooling.</param>
    public static double Of(nn.Module<Tensor, Tensor> network, Tensor batch, bool orthogonalToOnes = false)
    {
        using var scope = NewDisposeScope();
        return FromKernel(Kernel(network, batch), orthogonalToOnes);
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
    /// <remarks>
    /// With <paramref name="orthogonalToOnes"/>, Theta is first compressed to the subspace orthogonal to the all-ones
    /// vector (P Theta P with P = I - 11^T / B, whose eigenvalues are 0 for the ones direction and the compression's
    /// B - 1 others; the smallest is dropped). A network whose logits are a linear head over the average-pooled output
    /// of a training-mode batch norm (SpiderNet's cells) has per-sample gradients that sum to zero at initialisation
    /// (the norm's output sums to B·beta over the batch, and beta starts at 0), so Theta·1 = 0 and the plain kappa is
    /// +infinity for every such network.
    /// </remarks>
    public static double FromKernel(Tensor theta, bool orthogonalToOnes = false)
    {
        ArgumentNullException.ThrowIfNull(theta);
        using var scope = NewDisposeScope();
        var kernel = theta.to(float64);
        var n = kernel.shape[0];
        if (orthogonalToOnes)
        {
            if (n < 3) throw new ArgumentException($"kappa orthogonal to the ones needs at least 3 samples, got {n}", nameof(theta));
            var projection = eye(n, dtype: float64, device: kernel.device) - full(n, n, 1.0 / n, dtype: float64, device: kernel.device);
            kernel = projection.matmul(kernel).matmul(projection);
        }
        var eigenvalues = linalg.eigvalsh(kernel);   // ascending
        var first = orthogonalToOnes ? 1 : 0;
        var min = eigenvalues[first].item<double>();
        var max = eigenvalues[-1].item<double>();
        if (!(max > 0)) return Undefined;
        if (min <= (n - first) * MachineEpsilon * max) return double.PositiveInfinity;
        return max / min;
    }
}
