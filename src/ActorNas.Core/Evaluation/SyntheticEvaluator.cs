using System.Globalization;
using ActorNas.Core.Evolution;
using ActorNas.Core.Simulation;
using ActorNas.Core.Spaces;

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
public sealed class SyntheticEvaluator : IEvaluator, ISimulatedEvaluator
{
    private readonly SyntheticOptions _options;
    private readonly ISearchSpace? _space;
    private SyntheticLandscape? _landscape;

    /// <param name="space">Needed only to simulate (<see cref="ISimulatedEvaluator"/>); a live evaluation learns it from its context.</param>
    public SyntheticEvaluator(SyntheticOptions options, ISearchSpace? space = null)
    {
        options.Validate();
        _options = options;
        _space = space;
    }

    public SyntheticOptions Options => _options;

    public async Task<EvaluationResult> EvaluateAsync(Candidate candidate, EvaluationContext context, CancellationToken cancellationToken)
    {
        var (duration, outcome) = Draw(candidate, context.Space);
        if (duration > 0) await Task.Delay(TimeSpan.FromMilliseconds(duration), cancellationToken).ConfigureAwait(false);
        return outcome();
    }

    /// <summary>The same draws as <see cref="EvaluateAsync"/>, on a virtual clock (a failure is thrown at once).</summary>
    public SimulatedEvaluation Simulate(Candidate candidate, long seed)
    {
        var space = _space ?? throw new InvalidOperationException("construct the synthetic evaluator with its space to simulate it");
        var (duration, outcome) = Draw(candidate, space);
        return new SimulatedEvaluation(outcome(), duration / 1000);
    }

    private (double DurationMs, Func<EvaluationResult> Outcome) Draw(Candidate candidate, ISearchSpace space)
    {
        var landscape = _landscape ??= new SyntheticLandscape(space, _options.LandscapeSeed);
        var random = new DeterministicRandom(DeterministicRandom.Mix(
            (ulong)_options.LandscapeSeed ^ DeterministicRandom.Mix((ulong)candidate.Id * 31 + (ulong)candidate.Attempt)));
        var duration = DrawDurationMs(random);
        var fails = _options.FailureRate > 0 && random.NextDouble() < _options.FailureRate;
        return (duration, () => fails
            ? throw new SyntheticFailureException(string.Create(CultureInfo.InvariantCulture,
                $"synthetic failure (rate {_options.FailureRate}) of candidate {candidate.Id}, attempt {candidate.Attempt}"))
            : new EvaluationResult(landscape.Score(candidate.Genotype), new Dictionary<string, double> { ["durationMs"] = duration }));
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
