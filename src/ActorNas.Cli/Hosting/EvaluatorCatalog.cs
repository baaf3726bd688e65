using ActorNas.Actors.Configuration;
using ActorNas.Actors.Evaluators;
using ActorNas.Core;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Evolution;
using ActorNas.Torch.Evaluators;

namespace ActorNas.Cli.Hosting;

/// <summary>The evaluator slots' factory, and the scorer a naswot screening proxy needs (null otherwise).</summary>
internal sealed record EvaluatorSetup(Func<int, IEvaluator> Factory, Func<Genotype, double>? MutantScorer);

/// <summary>Every evaluator the command knows: the built-in ones (synthetic, tabular) and the TorchSharp ones (train, naswot).</summary>
internal static class EvaluatorCatalog
{
    public static IReadOnlyList<string> Names => [.. BuiltInEvaluators.Names, .. TorchEvaluators.Names];

    /// <summary>
    /// Whatever can fail before the search starts fails here: an unknown name, a bad table, a missing dataset or GPU
    /// (the Torch evaluators and the naswot proxy load their data now).
    /// </summary>
    public static EvaluatorSetup Prepare(EvaluatorSettings settings, SearchConfig search)
    {
        TorchWorkshop? workshop = null;
        TorchWorkshop Workshop()
        {
            if (workshop is null)
            {
                workshop = new TorchWorkshop(settings.Training, settings.Workers);
                workshop.Prepare();
            }
            return workshop;
        }

        Func<int, IEvaluator> factory;
        if (TorchEvaluators.Names.Contains(settings.Name)) factory = TorchEvaluators.Factory(settings.Name, Workshop())!;
        else if (BuiltInEvaluators.Names.Contains(settings.Name)) factory = BuiltInEvaluators.Factory(settings);
        else throw new SettingsException($"unknown evaluator \"{settings.Name}\"; evaluators: {string.Join(", ", Names)}");

        var scorer = search.Screening is { IsOn: true, Proxy: ProxyKind.Naswot }
            ? NaswotScoring.Proxy(Workshop(), search.Space.Create(), search.Seed)
            : null;
        return new EvaluatorSetup(factory, scorer);
    }
}
