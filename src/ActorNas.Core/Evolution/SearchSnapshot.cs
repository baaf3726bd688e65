namespace ActorNas.Core.Evolution;

/// <summary>The whole <see cref="SearchState"/> at one point of the log (taken every N events for fast recovery).</summary>
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
    IReadOnlyList<double>? RecentDurationSeconds = null)
{
    /// <summary>Value comparison including the lists (records compare lists by reference).</summary>
    public bool Equivalent(SearchSnapshot other) =>
        this with { Population = other.Population, Pending = other.Pending, RecentDurationSeconds = other.RecentDurationSeconds } == other
        && Population.SequenceEqual(other.Population)
        && Pending.SequenceEqual(other.Pending)
        && (RecentDurationSeconds ?? []).SequenceEqual(other.RecentDurationSeconds ?? []);
}
