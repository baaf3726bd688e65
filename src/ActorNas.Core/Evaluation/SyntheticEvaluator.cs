using System.Globalization;
using ActorNas.Core.Evolution;

namespace ActorNas.Core.Evaluation;

public enum DurationKind { Zero, Constant, LogNormal }

/// <summary>Settings of the synthetic evaluator (HOCON <c>actornas.evaluator.synthetic</c>).</summary>
/// <param name="MeanMs">Constant duration, or the mean of the log-normal, in milliseconds.</param>
/// <param name="Sigma">Log-normal shape (standard deviation of the underlying normal).</param>
/// <param name="FailureRate">Probability that an attempt throws.</param>
public sealed record SyntheticOptions(
    DurationKind Duration = DurationKind.Zero, double MeanMs = 0, double Sigma = 0.5, double FailureRate = 0, long LandscapeSeed = 0)
{
    public void Validate()
    {
        if (!(MeanMs >= 0) || double.IsInfinity(MeanMs)) throw new ArgumentException($"synthetic mean duration must be >= 0 ms, got {MeanMs}");
        if (!(Sigma >= 0) || double.IsInfinity(Sigma)) throw new ArgumentException($"synthetic sigma must be >= 0, got {Sigma}");
        if (!(FailureRate >= 0 && FailureRate < 1)) throw new ArgumentException($"synthetic failure rate must be in [0, 1), got {FailureRate}");
    }
}

/// <summary>Thrown by the synthetic evaluator when its configured failure rate says this attempt fails.</summary>
public sealed class SyntheticFailureException(string message) : Exception(message);

/// <summary>
/// The built-in test evaluator, honestly named: scores come from a <see cref="SyntheticLandscape"/>, durations from
/// a configured distribution, and failures at a configured rate. Everything is a function of (landscape seed,
/// candidate id, attempt), so a run is reproducible.
/// </summary>
public sealed class SyntheticEvaluator : IEvaluator
{
    private readonly SyntheticOptions _options;
    private SyntheticLandscape? _landscape;

    public SyntheticEvaluator(SyntheticOptions options)
    {
        options.Validate();
        _options = options;
    }

    public SyntheticOptions Options => _options;

    public async Task<EvaluationResult> EvaluateAsync(Candidate candidate, EvaluationContext context, CancellationToken cancellationToken)
    {
        var landscape = _landscape ??= new SyntheticLandscape(context.Space, _options.LandscapeSeed);
        var random = new DeterministicRandom(DeterministicRandom.Mix(
            (ulong)_options.LandscapeSeed ^ DeterministicRandom.Mix((ulong)candidate.Id * 31 + (ulong)candidate.Attempt)));
        var duration = DrawDurationMs(random);
        if (duration > 0) await Task.Delay(TimeSpan.FromMilliseconds(duration), cancellationToken).ConfigureAwait(false);
        if (_options.FailureRate > 0 && random.NextDouble() < _options.FailureRate)
            throw new SyntheticFailureException(string.Create(CultureInfo.InvariantCulture,
                $"synthetic failure (rate {_options.FailureRate}) of candidate {candidate.Id}, attempt {candidate.Attempt}"));
        return new EvaluationResult(landscape.Score(candidate.Genotype), new Dictionary<string, double> { ["durationMs"] = duration });
    }

    private double DrawDurationMs(DeterministicRandom random) => _options.Duration switch
    {
        DurationKind.Zero => 0,
        DurationKind.Constant => _options.MeanMs,
        // mean of exp(N(mu, sigma^2)) is exp(mu + sigma^2 / 2)
        DurationKind.LogNormal => _options.MeanMs <= 0 ? 0
            : Math.Exp(Math.Log(_options.MeanMs) - _options.Sigma * _options.Sigma / 2 + _options.Sigma * random.NextGaussian()),
        _ => 0,
    };
}
