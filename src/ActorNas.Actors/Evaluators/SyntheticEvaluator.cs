using ActorNas.Core.Evaluation;
using ActorNas.Core.Simulation;
using ActorNas.Core.Spaces;

namespace ActorNas.Actors.Evaluators;

/// <summary>
/// The built-in test evaluator, honestly named: it waits the duration that Core's <see cref="SyntheticSimulator"/>
/// draws, then answers what it drew. On a virtual clock it simulates the same draws without waiting.
/// </summary>
public sealed class SyntheticEvaluator : IEvaluator, ISimulatedEvaluator
{
    private readonly SyntheticSimulator _draws;

    /// <param name="space">Needed only to simulate (<see cref="ISimulatedEvaluator"/>); a live evaluation learns it from its context.</param>
    public SyntheticEvaluator(SyntheticSettings options, ISearchSpace? space = null) => _draws = new SyntheticSimulator(options, space);

    public SyntheticSettings Settings => _draws.Settings;

    public async Task<EvaluationResult> EvaluateAsync(Candidate candidate, EvaluationContext context, CancellationToken cancellationToken)
    {
        var (duration, outcome) = _draws.Draw(candidate, context.Space);
        if (duration > 0) await Task.Delay(TimeSpan.FromMilliseconds(duration), cancellationToken).ConfigureAwait(false);
        return outcome();
    }

    /// <summary>The same draws as <see cref="EvaluateAsync"/>, on a virtual clock (a failure is thrown at once).</summary>
    public SimulatedEvaluation Simulate(Candidate candidate, long seed) => _draws.Simulate(candidate, seed);
}
