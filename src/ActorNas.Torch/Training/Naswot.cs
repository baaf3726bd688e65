using ActorNas.Torch.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace ActorNas.Torch.Training;

/// <summary>
/// The training-free score of Mellor et al. (NASWOT): the binary activation codes c_i of every image of a mini-batch
/// over all nonlinear units, K_H[i, j] = N_A - Hamming(c_i, c_j), score = log |det K_H|, computed in float64.
/// </summary>
public static class Naswot
{
    /// <summary>The score from codes (B, N_A) of 0/1; -infinity when K_H is singular.</summary>
    public static double Score(Tensor codes)
    {
        using var scope = NewDisposeScope();
        var c = codes.to(float64);
        // agreements = c c^T + (1 - c)(1 - c)^T = N_A - Hamming distance
        return LogAbsDet(c.matmul(c.t()) + (1 - c).matmul((1 - c).t()));
    }

    /// <summary>Scores a freshly built network on one mini-batch (train-mode batch statistics, no gradients).</summary>
    public static double Score(SearchNetwork network, Tensor batch)
    {
        using var scope = NewDisposeScope();
        using var kernel = new HammingKernel(batch.shape[0], batch.device);
        network.RecordActivations(batch, kernel);
        if (kernel.Units == 0) throw new InvalidOperationException("the network has no nonlinear units to score");
        return LogAbsDet(kernel.Kernel);
    }

    private static double LogAbsDet(Tensor k)
    {
        var (sign, logAbsDet) = linalg.slogdet(k);
        return sign.item<double>() == 0 ? double.NegativeInfinity : logAbsDet.item<double>();
    }

    /// <summary>K_H summed layer by layer as the patterns arrive, in float64, so no pattern outlives its layer.</summary>
    private sealed class HammingKernel(long batch, Device device) : ActivationRecorder, IDisposable
    {
        public Tensor Kernel { get; } = zeros(batch, batch, float64, device).DetachFromDisposeScope();
        public long Units { get; private set; }

        public override void Add(Tensor pattern)
        {
            using var scope = NewDisposeScope();
            // K += c c^T + (1 - c)(1 - c)^T = 2 c c^T - s 1^T - 1 s^T + U, with s the row sums and U the units: one
            // float32 product, exact for 0/1 codes (every sum is an integer below 2^24), added up in float64
            var c = pattern.to(float32);
            var s = c.sum(1, keepdim: true);
            var units = pattern.shape[1];
            var layer = c.matmul(c.t()).mul(2).sub(s).sub(s.t()).add(units);
            Kernel.add_(layer.to(float64));
            Units += units;
            pattern.Dispose();
        }

        public void Dispose() => Kernel.Dispose();
    }
}
