using ActorNas.Actors.Configuration;
using ActorNas.Actors.Evaluators;
using ActorNas.Core.Evaluation;
using ActorNas.Torch.Evaluators;

namespace ActorNas.Cli.Hosting;

/// <summary>Every evaluator the command knows: the built-in ones (synthetic, tabular) and the TorchSharp ones (train, naswot).</summary>
internal static class EvaluatorCatalog
{
    public static IReadOnlyList<string> Names => [.. BuiltInEvaluators.Names, .. TorchEvaluators.Names];

    /// <summary>
    /// One evaluator per slot. Whatever can fail before the search starts fails here: an unknown name, a bad table, a
    /// missing dataset (the Torch evaluators load their data now).
    /// </summary>
    public static Func<int, IEvaluator> Factory(EvaluatorSettings settings)
    {
        if (TorchEvaluators.Names.Contains(settings.Name))
        {
            var workshop = new TorchWorkshop(settings.Training, settings.Workers);
            workshop.Prepare();
            return TorchEvaluators.Factory(settings.Name, workshop)!;
        }
        if (!BuiltInEvaluators.Names.Contains(settings.Name))
            throw new SettingsException($"unknown evaluator \"{settings.Name}\"; evaluators: {string.Join(", ", Names)}");
        return BuiltInEvaluators.Factory(settings);
    }
}
