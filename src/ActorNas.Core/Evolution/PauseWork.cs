namespace ActorNas.Core.Evolution;

/// <summary>Stops handing out work; running evaluations finish and are recorded. <see cref="Rejected"/> when paused or completed.</summary>
public sealed record PauseWork(string Reason, DateTimeOffset At) : ISearchCommand;
