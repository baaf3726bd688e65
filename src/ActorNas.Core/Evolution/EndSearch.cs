namespace ActorNas.Core.Evolution;

/// <summary>
/// Ends the search now, before its budget: it completes with reason "stopped: ..." and cannot be resumed. Results still
/// running are not recorded. <see cref="Rejected"/> when already completed.
/// </summary>
public sealed record EndSearch(string Reason, DateTimeOffset At) : ISearchCommand;
