using ActorNas.Core.Evaluation;
using ActorNas.Core.Simulation;
using ActorNas.Core.Spaces;

namespace ActorNas.Core.Tabular;

/// <summary>Settings of the tabular evaluator (HOCON <c>actornas.evaluator.tabular</c>).</summary>
/// <param name="TimeScale">Real seconds slept per simulated second; 0 answers at once (the duration is still recorded).</param>
public sealed record TabularOptions(Nb201Dataset Dataset = Nb201Dataset.Cifar10, double TimeScale = 0, DurationModel? Duration = null)
{
    public DurationModel DurationModel => Duration ?? new DurationModel();

    public void Validate()
    {
        if (!(TimeScale >= 0) || double.IsInfinity(TimeScale))
            throw new ArgumentException($"tabular time-scale must be a number >= 0 (real seconds per simulated second), got {TimeScale}");
        DurationModel.Validate();
    }
}

/// <summary>
/// Answers an NB201 candidate by looking it up: the objective is the dataset's validation accuracy; the test
/// accuracy goes into the metrics only (a search never selects on test). The duration comes from
/// <see cref="DurationModel"/>: simulated, and said so in the metrics as <c>simulatedSeconds</c>.
/// </summary>
public sealed class TabularEvaluator : IEvaluator, ISimulatedEvaluator
{
    private readonly Nb201Table _table;
    private readonly TabularOptions _options;
    private readonly Nb201Skeleton _skeleton;

    public TabularEvaluator(Nb201Table table, TabularOptions options)
    {
        options.Validate();
        _table = table;
        _options = options;
        _skeleton = Nb201Skeleton.For(options.Dataset);
    }

    public SimulatedEvaluation Simulate(Candidate candidate, long seed)
    {
        if (candidate.Genotype.Length != Nb201Space.Instance.Length)
            throw new ArgumentException($"the tabular evaluator answers NAS-Bench-201 cells (6 positions); candidate {candidate.Id} " +
                $"has {candidate.Genotype.Length}: run it with --space nb201");
        var entry = _table.Lookup(candidate.Genotype, _options.Dataset);
        var cost = _skeleton.Cost(candidate.Genotype);
        var seconds = _options.DurationModel.Seconds(cost, seed, candidate.Id);
        var metrics = new Dictionary<string, double>
        {
            ["validAccuracy"] = entry.ValidAccuracy,
            ["testAccuracy"] = entry.TestAccuracy,
            ["simulatedSeconds"] = seconds,
            ["megaFlops"] = cost.MegaFlops,
            ["megaParameters"] = cost.MegaParameters,
        };
        return new SimulatedEvaluation(new EvaluationResult(entry.ValidAccuracy, metrics), seconds);
    }

    public async Task<EvaluationResult> EvaluateAsync(Candidate candidate, EvaluationContext context, CancellationToken cancellationToken)
    {
        var simulated = Simulate(candidate, context.Seed);
        if (_options.TimeScale > 0)
            await Task.Delay(TimeSpan.FromSeconds(simulated.Seconds * _options.TimeScale), cancellationToken).ConfigureAwait(false);
        return simulated.Result;
    }
}
