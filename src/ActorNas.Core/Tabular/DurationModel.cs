using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;

namespace ActorNas.Core.Tabular;

/// <summary>
/// The stated model of simulated training time (the NAS-Bench-201 table has no times): proportional to the
/// network's FLOPs, <paramref name="SecondsPerMegaFlop"/> simulated seconds per million multiply-accumulates, times
/// a log-normal factor of mean 1 and shape <paramref name="Sigma"/> (so the largest CIFAR-10 network takes about
/// 220 s and the smallest about 8 s at the defaults).
/// </summary>
public sealed record DurationModel(double SecondsPerMegaFlop = 1.0, double Sigma = 0.2)
{
    public void Validate()
    {
        if (!(SecondsPerMegaFlop > 0) || double.IsInfinity(SecondsPerMegaFlop))
            throw new ArgumentException($"tabular seconds-per-megaflop must be a positive number, got {SecondsPerMegaFlop}");
        if (!(Sigma >= 0) || double.IsInfinity(Sigma))
            throw new ArgumentException($"tabular duration-sigma must be >= 0, got {Sigma}");
    }

    /// <summary>The simulated seconds of one evaluation; the noise is keyed by (search seed, candidate id).</summary>
    public double Seconds(NetworkCost cost, long seed, long candidateId)
    {
        var z = DeterministicRandom.For(seed, candidateId, RandomPurpose.EvaluationNoise).NextGaussian();
        // exp(N(-sigma^2/2, sigma^2)) has mean 1
        return SecondsPerMegaFlop * cost.MegaFlops * Math.Exp(Sigma * z - Sigma * Sigma / 2);
    }
}
