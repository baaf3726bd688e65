namespace ActorNas.Core.Evolution;

/// <summary>
/// The command does not apply to the search as it is now (a duplicate result, a stale report, a used reservation, a
/// search that has completed); nothing changes and <paramref name="Reason"/> says why.
/// </summary>
public sealed record Rejected(string Reason) : Decision([]);
