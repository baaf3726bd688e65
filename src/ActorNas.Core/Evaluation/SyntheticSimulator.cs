using System.Globalization;
using ActorNas.Core.Evolution;
using ActorNas.Core.Simulation;
using ActorNas.Core.Spaces;

namespace ActorNas.Core.Evaluation;

/// <summary>One synthetic evaluation, drawn but not yet answered: how long it takes and what it then gives (or throws).</summary>
public readonly record struct SyntheticDraw(double DurationMs, Func<EvaluationResult> Outcome);

/// <summary>
/// The synthetic evaluator's answers without the waiting: scores come from a <see cref="SyntheticLandscape"/>,
/// durations from a configured distribution, and failures at a configured rate. Everything is a function of
/// (landscape seed, candidate id, attempt), so a run is reproducible. The evaluator that sleeps for the drawn
/// duration is ActorNas.Actors' SyntheticEvaluator; Core only simulates.
/// </summary>
public sealed class SyntheticSimulator : ISimulatedEvaluator
{
    private readonly SyntheticSettings _options;
    private readonly ISearchSpace? _space;
    private SyntheticLandscape? _landscape;

    /// <param name="space">Needed only to simulate (<see cref="Simulate"/>); <see cref="Draw"/> is given its space.</param>
    public SyntheticSimulator(SyntheticSettings options, ISearchSpace? space = null)
    {
        options.Validate();
        _options = options;
        _space = space;
    }

    public SyntheticSettings Settings => _options;

    /// <summary>The draws of a live evaluation, on a virtual clock (a failure is thrown at once).</summary>
    public SimulatedEvaluation Simulate(Candidate candidate, long seed)
    {
        var space = _space ?? throw new InvalidOperationException("construct the synthetic evaluator with its space to simulate it");
        var (duration, outcome) = Draw(candidate, space);
        return new SimulatedEvaluation(outcome(), duration / 1000);
    }

    /// <summary>Duration and outcome of one attempt; the landscape is built on the first draw, over that draw's space.</summary>
    public SyntheticDraw Draw(Candidate candidate, ISearchSpace space)
    {
        var landscape = _landscape ??= new SyntheticLandscape(space, _options.LandscapeSeed);
        var random = new DeterministicRandom(DeterministicRandom.Mix(
            (ulong)_options.LandscapeSeed ^ DeterministicRandom.Mix((ulong)candidate.Id * 31 + (ulong)candidate.Attempt)));
        var duration = DrawDurationMs(random);
        var fails = _options.FailureRate > 0 && random.NextDouble() < _options.FailureRate;
        return new SyntheticDraw(duration, () => fails
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
