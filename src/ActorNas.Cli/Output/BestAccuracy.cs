using ActorNas.Actors.Configuration;
using ActorNas.Actors.Evaluators;
using ActorNas.Actors.Tabular;
using ActorNas.Core.Evolution;
using ActorNas.Core.Tabular;

namespace ActorNas.Cli.Output;

/// <summary>
/// The best cell's validation and test accuracy on the searched NAS-Bench-201 dataset, for the summary of a tabular
/// search. The objective is the validation accuracy; the test accuracy is what the benchmark's protocol reports, and
/// the search never saw it.
/// </summary>
internal sealed record BestAccuracy(string Dataset, double ValidAccuracy, double TestAccuracy)
{
    /// <summary>
    /// Looked up in the search's table (the shipped one is loaded once per process); null for other evaluators, and
    /// where this process cannot read the table (a cluster's population node need not hold the workers' table file).
    /// </summary>
    public static BestAccuracy? Of(EvaluatorSettings evaluator, Member? best)
    {
        if (best is null || evaluator.Name != BuiltInEvaluators.Tabular) return null;
        try
        {
            var entry = Nb201TableLoader.LoadOrShipped(evaluator.TablePath).Lookup(best.Genotype, evaluator.Tabular.Dataset);
            return new BestAccuracy(evaluator.Tabular.Dataset.Name(), entry.ValidAccuracy, entry.TestAccuracy);
        }
        catch (TableFormatException)
        {
            return null;
        }
    }
}
