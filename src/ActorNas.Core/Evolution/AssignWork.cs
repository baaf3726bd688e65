namespace ActorNas.Core.Evolution;

/// <summary>
/// A free worker asks for work. The answer is <see cref="AssignCandidate"/>, <see cref="MutationNeeded"/> (a tournament
/// chose a parent; finish with <see cref="ProposeChild"/>), <see cref="NoWorkNow"/> or <see cref="SearchFinished"/>.
/// </summary>
/// <param name="DrawChildHere">For drivers without Mutators (the simulator, the plain loop, tests): a tournament's child
/// is drawn at once, as <see cref="ProposeChild"/> without a child would, so the answer is never <see cref="MutationNeeded"/>.</param>
public sealed record AssignWork(string Worker, string Node, DateTimeOffset At, bool DrawChildHere = false) : ISearchCommand;
