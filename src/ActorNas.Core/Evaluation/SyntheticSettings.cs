namespace ActorNas.Core.Evaluation;

public enum DurationKind { Zero, Constant, LogNormal }

/// <summary>Settings of the synthetic evaluator (HOCON <c>actornas.evaluator.synthetic</c>, whose defaults these are).</summary>
/// <param name="MeanMs">Constant duration, or the mean of the log-normal, in milliseconds.</param>
/// <param name="Sigma">Log-normal shape (standard deviation of the underlying normal).</param>
/// <param name="FailureRate">Probability that an attempt throws.</param>
public sealed record SyntheticSettings(
    DurationKind Duration = DurationKind.Zero, double MeanMs = 0, double Sigma = 0.5, double FailureRate = 0, long LandscapeSeed = 7)
{
    public void Validate()
    {
        if (!(MeanMs >= 0) || double.IsInfinity(MeanMs)) throw new ArgumentException($"synthetic mean duration must be >= 0 ms, got {MeanMs}");
        if (!(Sigma >= 0) || double.IsInfinity(Sigma)) throw new ArgumentException($"synthetic sigma must be >= 0, got {Sigma}");
        if (!(FailureRate >= 0 && FailureRate < 1)) throw new ArgumentException($"synthetic failure rate must be in [0, 1), got {FailureRate}");
    }
}
