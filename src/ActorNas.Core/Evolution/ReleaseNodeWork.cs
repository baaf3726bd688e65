namespace ActorNas.Core.Evolution;

/// <summary>Sends every candidate running on <paramref name="Node"/> back to the queue (the node left the cluster or was downed).</summary>
public sealed record ReleaseNodeWork(string Node, string Reason, DateTimeOffset At) : ISearchCommand;
