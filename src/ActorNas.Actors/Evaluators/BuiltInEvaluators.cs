using ActorNas.Actors.Configuration;
using ActorNas.Core.Evaluation;

namespace ActorNas.Actors.Evaluators;

/// <summary>The evaluators that ship with ActorNas, by name (<c>actornas.evaluator.name</c>).</summary>
public static class BuiltInEvaluators
{
    public const string Synthetic = "synthetic";

    public static readonly IReadOnlyList<string> Names = [Synthetic];

    /// <summary>A factory of one evaluator per slot, or a <see cref="SettingsException"/> for an unknown name.</summary>
    public static Func<int, IEvaluator> Factory(EvaluatorSettings settings) => settings.Name switch
    {
        Synthetic => _ => new SyntheticEvaluator(settings.Synthetic),
        _ => throw new SettingsException(
            $"unknown evaluator \"{settings.Name}\"; built-in evaluators: {string.Join(", ", Names)}"),
    };
}
