namespace ActorNas.Actors.Evaluators.Command;

/// <summary>An attempt of the command evaluator that gave no usable result: the message says what and quotes stderr's end.</summary>
public sealed class CommandFailedException(string message) : Exception(message);
