using ActorNas.Core.Evaluation;

namespace ActorNas.Core.Simulation;

/// <summary>A result and how long it would have taken, in simulated seconds.</summary>
public sealed record SimulatedEvaluation(EvaluationResult Result, double Seconds);

/// <summary>
/// An evaluator whose answer and duration are known without running anything (a table look-up and a cost model),
/// so a search can be simulated on a virtual clock: no sleeping, events stamped with simulated times.
/// </summary>
public interface ISimulatedEvaluator
{
    SimulatedEvaluation Simulate(Candidate candidate, long seed);
}
