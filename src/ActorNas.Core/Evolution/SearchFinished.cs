namespace ActorNas.Core.Evolution;

/// <summary>The search is over: there will be no more work.</summary>
public sealed record SearchFinished(string Reason) : Decision([]);
