namespace ActorNas.Core.Evolution;

/// <summary>Sends every running candidate back to the queue: after recovery no worker of the old process holds work.</summary>
public sealed record ReleaseAllWork(string Reason, DateTimeOffset At) : ISearchCommand;
