using ActorNas.Core;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Growth;
using ActorNas.Core.Spaces.Hierarchical;

namespace ActorNas.Actors.Evaluators;

/// <summary>
/// The evaluator slots' factory, and what screening needs from outside Core: the scorer of a proxy that builds networks
/// (null without one), the trainer of fade's region supernets (null without the fade proxy) and the grower of a spidernet
/// search (null for every other space).
/// </summary>
public sealed record EvaluatorSetup(Func<int, IEvaluator> Factory, Func<Genotype, double>? MutantScorer, RegionWeigher? RegionWeigher = null,
    Grower? Grower = null);
