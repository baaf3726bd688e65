using ActorNas.Core.Caching;

namespace ActorNas.Core.Evolution;

/// <summary>
/// The whole <see cref="SearchState"/> at one point of the log (taken every N events): recovery and `actornas status`
/// start from it and read only the events after it.
/// </summary>
/// <param name="CompletedAt">When the search completed (null while it runs, and in snapshots of older versions).</param>
/// <param name="Cache">Weight-cache totals per node over every evaluation so far (null in snapshots of older versions,
/// and in every snapshot of a state restored from one of those: it would miss the evaluations before it).</param>
public sealed record SearchSnapshot(
    SearchSettings Config,
    DateTimeOffset StartedAt,
    long NextCandidateId,
    int Proposed,
    int Evaluated,
    int FailedAttempts,
    int FinalFailures,
    int Retired,
    int BatchIndex,
    int BatchProposed,
    Member? Best,
    string? CompletionReason,
    IReadOnlyList<Member> Population,
    IReadOnlyList<PendingCandidate> Pending,
    bool Paused = false,
    IReadOnlyList<double>? RecentDurationSeconds = null,
    DateTimeOffset? CompletedAt = null,
    IReadOnlyList<NodeCacheSummary>? Cache = null)
{
    /// <summary>
    /// True when every figure `actornas status` shows can come from this snapshot plus the events after it. Snapshots of
    /// older versions lack the cache totals (and, once completed, the completion time): a status reads the whole log then.
    /// </summary>
    public bool HoldsStatusFigures => Cache is not null && (CompletionReason is null || CompletedAt is not null);

    /// <summary>Value comparison including the lists (records compare lists by reference).</summary>
    public bool Equivalent(SearchSnapshot other) =>
        this with { Population = other.Population, Pending = other.Pending, RecentDurationSeconds = other.RecentDurationSeconds, Cache = other.Cache } == other
        && Population.SequenceEqual(other.Population)
        && Pending.SequenceEqual(other.Pending)
        && (RecentDurationSeconds ?? []).SequenceEqual(other.RecentDurationSeconds ?? [])
        && (Cache is null) == (other.Cache is null) && (Cache ?? []).SequenceEqual(other.Cache ?? []);
}
