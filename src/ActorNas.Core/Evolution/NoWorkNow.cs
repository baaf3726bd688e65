namespace ActorNas.Core.Evolution;

/// <summary>Nothing to hand out now (paused, the budget is in flight, or the batch is not finished); ask again later.</summary>
public sealed record NoWorkNow(string Reason) : Decision([]);
