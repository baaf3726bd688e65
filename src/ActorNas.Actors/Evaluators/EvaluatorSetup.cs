using ActorNas.Core;
using ActorNas.Core.Evaluation;

namespace ActorNas.Actors.Evaluators;

/// <summary>The evaluator slots' factory, and the scorer a screening proxy needs (null without screening by a trained-free proxy).</summary>
public sealed record EvaluatorSetup(Func<int, IEvaluator> Factory, Func<Genotype, double>? MutantScorer);
