namespace ActorNas.Core.Evolution;

/// <summary>Sends every candidate running on <paramref name="Worker"/> back to the queue (none: no events).</summary>
public sealed record ReleaseWorker(string Worker, string Reason, DateTimeOffset At) : ISearchCommand;
