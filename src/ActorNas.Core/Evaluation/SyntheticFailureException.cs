namespace ActorNas.Core.Evaluation;

/// <summary>Thrown by the synthetic evaluator when its configured failure rate says this attempt fails.</summary>
public sealed class SyntheticFailureException(string message) : Exception(message);
