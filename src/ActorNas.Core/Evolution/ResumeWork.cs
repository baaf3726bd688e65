namespace ActorNas.Core.Evolution;

/// <summary>Hands out work again after a pause. <see cref="Rejected"/> when not paused or completed.</summary>
public sealed record ResumeWork(DateTimeOffset At) : ISearchCommand;
