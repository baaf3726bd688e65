namespace ActorNas.Core.Evolution;

/// <summary>
/// The worker already holds as many candidates as it asked to (<see cref="AssignWork.Capacity"/>: the one it evaluates
/// and its lookahead); it gets more once it reports. Work may still be there for other workers.
/// </summary>
public sealed record SlotFull(string Worker, int Holding) : Decision([]);
