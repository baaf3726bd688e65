namespace ActorNas.Core.Evolution;

/// <summary>
/// A worker asks for work. The answer is <see cref="AssignCandidate"/>, <see cref="MutationNeeded"/> (a tournament
/// chose a parent; finish with <see cref="ProposeChild"/>), <see cref="SlotFull"/>, <see cref="NoWorkNow"/> or
/// <see cref="SearchFinished"/>.
/// </summary>
/// <param name="DrawChildHere">For drivers without Mutators (the simulator, the plain loop, tests): a tournament's child
/// is drawn at once, as <see cref="ProposeChild"/> without a child would, so the answer is never <see cref="MutationNeeded"/>.</param>
/// <param name="Capacity">How many candidates the worker may hold at once: the one it evaluates plus its lookahead
/// (actornas.evaluator.lookahead). Batch mode holds one whatever is asked. Null: the driver keeps its own count.</param>
public sealed record AssignWork(string Worker, string Node, DateTimeOffset At, bool DrawChildHere = false, int? Capacity = null) : ISearchCommand;
