using ActorNas.Core.Evaluation;

namespace ActorNas.Torch.Evaluators;

/// <summary>The TorchSharp evaluators by name (<c>actornas.evaluator.name</c>): train and naswot.</summary>
public static class TorchEvaluators
{
    public const string Train = "train";
    public const string Naswot = "naswot";

    public static readonly IReadOnlyList<string> Names = [Train, Naswot];

    /// <summary>A factory of one evaluator per slot, sharing one workshop; null for a name that is not a Torch evaluator.</summary>
    public static Func<int, IEvaluator>? Factory(string name, TorchWorkshop workshop) => name switch
    {
        Train => slot => new TrainEvaluator(workshop, slot),
        Naswot => slot => new NaswotEvaluator(workshop, slot),
        _ => null,
    };
}
