using ActorNas.Core.Evaluation;
using ActorNas.Core.Simulation;
using ActorNas.Core.Spaces;

namespace ActorNas.Core.Tabular;

/// <summary>
/// Answers an NB201 candidate by looking it up: the objective is the dataset's validation accuracy; the test
/// accuracy goes into the metrics only (a search never selects on test). The duration comes from
/// <see cref="DurationModel"/>: simulated, and said so in the metrics as <c>simulatedSeconds</c>. Nothing waits here;
/// ActorNas.Actors' TabularEvaluator sleeps the scaled duration for a live search.
/// </summary>
public sealed class TabularSimulator : ISimulatedEvaluator
{
    private readonly Nb201Table _table;
    private readonly TabularSettings _options;
    private readonly Nb201Skeleton _skeleton;

    public TabularSimulator(Nb201Table table, TabularSettings options)
    {
        options.Validate();
        _table = table;
        _options = options;
        _skeleton = Nb201Skeleton.For(options.Dataset);
    }

    public TabularSettings Settings => _options;

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
}
