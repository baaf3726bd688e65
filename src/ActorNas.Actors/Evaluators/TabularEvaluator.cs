using ActorNas.Core.Evaluation;
using ActorNas.Core.Simulation;
using ActorNas.Core.Tabular;

namespace ActorNas.Actors.Evaluators;

/// <summary>
/// The tabular evaluator of a live search: Core's <see cref="TabularSimulator"/> looks the candidate up, and this
/// sleeps its simulated duration times <see cref="TabularSettings.TimeScale"/> (0 answers at once) before answering.
/// </summary>
public sealed class TabularEvaluator : IEvaluator, ISimulatedEvaluator
{
    private readonly TabularSimulator _lookup;

    public TabularEvaluator(Nb201Table table, TabularSettings options) => _lookup = new TabularSimulator(table, options);

    public SimulatedEvaluation Simulate(Candidate candidate, long seed) => _lookup.Simulate(candidate, seed);

    public async Task<EvaluationResult> EvaluateAsync(Candidate candidate, EvaluationContext context, CancellationToken cancellationToken)
    {
        var simulated = Simulate(candidate, context.Seed);
        var timeScale = _lookup.Settings.TimeScale;
        if (timeScale > 0)
            await Task.Delay(TimeSpan.FromSeconds(simulated.Seconds * timeScale), cancellationToken).ConfigureAwait(false);
        return simulated.Result;
    }
}
