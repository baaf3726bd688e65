using ActorNas.Core.Events;
using Xunit;

namespace ActorNas.Core.Tests;

public sealed class CandidateTraceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static CandidateProposed Proposed(long id, int gene) =>
        new(id, null, new Genotype([gene, 0, 0]), null, null, 0, T0.AddSeconds(id));

    private static CandidateEvaluated Evaluated(long id, double objective) =>
        new(id, objective, null, T0, T0.AddSeconds(100 + id), "w", "n");

    [Fact]
    public void Proposals_out_of_id_order_still_give_records_in_id_order_and_events_reach_their_own_record()
    {
        var trace = new CandidateTrace();
        foreach (var id in new long[] { 5, 1, 9, 3, 7 }) trace.Apply(Proposed(id, (int)id));
        foreach (var id in new long[] { 9, 1, 5, 3, 7 }) trace.Apply(Evaluated(id, id / 10.0));

        Assert.Equal([1L, 3, 5, 7, 9], trace.Records.Select(r => r.Id));
        foreach (var r in trace.Records)
        {
            Assert.Equal((int)r.Id, r.Genotype[0]);
            Assert.Equal(r.Id / 10.0, r.Objective);
            Assert.Equal(CandidateStatus.Evaluated, r.Status);
        }
    }

    [Fact]
    public void Events_for_a_candidate_never_proposed_are_ignored_and_lookups_miss_cleanly()
    {
        var trace = new CandidateTrace();
        trace.Apply(Proposed(2, 2));
        trace.Apply(Proposed(4, 4));
        trace.Apply(Evaluated(3, 0.5));
        trace.Apply(Evaluated(10, 0.5));
        trace.Apply(Evaluated(0, 0.5));

        Assert.Equal([2L, 4], trace.Records.Select(r => r.Id));
        Assert.All(trace.Records, r => Assert.Null(r.Objective));
        Assert.False(trace.Contains(3));
        Assert.False(trace.TryGet(0, out _));
        Assert.True(trace.TryGet(4, out var four));
        Assert.Equal(4, four.Genotype[0]);
    }

    [Fact]
    public void A_second_proposal_of_the_same_id_replaces_the_first()
    {
        var trace = new CandidateTrace();
        trace.Apply(Proposed(1, 1));
        trace.Apply(Proposed(2, 2));
        trace.Apply(Proposed(1, 7));

        Assert.Equal([1L, 2], trace.Records.Select(r => r.Id));
        Assert.True(trace.TryGet(1, out var one));
        Assert.Equal(7, one.Genotype[0]);
    }

    [Fact]
    public void Every_field_of_a_record_is_kept_as_the_events_set_it_times_with_their_offsets_and_absent_values_absent()
    {
        var plus2 = TimeSpan.FromHours(2);
        var minus330 = TimeSpan.FromMinutes(-330);
        DateTimeOffset At(int seconds, TimeSpan offset) => new DateTimeOffset(2026, 3, 4, 5, 6, 7, offset).AddTicks(1234567).AddSeconds(seconds);
        var metrics = new Dictionary<string, double> { ["loss"] = 0.25 };
        var mutation = new Evolution.Mutation(1, 0, 3);
        var trace = new CandidateTrace();
        trace.Apply(new CandidateProposed(7, 3, new Genotype([1, 3, 0]), mutation, null, 0, At(0, plus2)));
        trace.Apply(new CandidateStarted(7, "w1", "n1", 1, At(1, plus2)));
        trace.Apply(new CandidateFailed(7, "out of memory", 1, false, "w1", At(2, plus2)));
        trace.Apply(new CandidateStarted(7, "w2", "n2", 2, At(3, minus330)));
        trace.Apply(new CandidateEvaluated(7, 0.75, metrics, At(3, minus330), At(9, minus330), "w2", "n2") { TransferredLayers = 2, CacheHit = false });
        trace.Apply(new CandidateRetired(7, At(20, TimeSpan.Zero)));
        trace.Apply(new CandidateProposed(8, null, new Genotype([0, 0, 0]), null, null, 0, At(21, TimeSpan.Zero)));
        trace.Apply(new CandidateCancelled(8, "budget", At(22, plus2)));
        trace.Apply(new CandidateProposed(9, 7, new Genotype([2, 2, 2]), null, null, 0, At(23, TimeSpan.Zero)));
        trace.Apply(new CandidateFailed(9, "diverged", 3, true, "w3", At(24, minus330)));

        Assert.True(trace.TryGet(7, out var seven));
        Assert.Equal(new CandidateRecord
        {
            Id = 7, ParentId = 3, Genotype = new Genotype([1, 3, 0]), Mutation = mutation, ProposedAt = At(0, plus2),
            StartedAt = At(3, minus330), FinishedAt = At(9, minus330), Worker = "w2", Node = "n2", Starts = 2, FailedAttempts = 1,
            Objective = 0.75, Metrics = metrics, TransferredLayers = 2, CacheHit = false, LastFailure = "out of memory",
            Status = CandidateStatus.Evaluated, RetiredAt = At(20, TimeSpan.Zero),
        }, seven);
        Assert.Equal(minus330, seven.FinishedAt!.Value.Offset);
        Assert.True(trace.TryGet(8, out var eight));
        Assert.Equal(new CandidateRecord
        {
            Id = 8, Genotype = new Genotype([0, 0, 0]), ProposedAt = At(21, TimeSpan.Zero), FinishedAt = At(22, plus2), Status = CandidateStatus.Cancelled,
        }, eight);
        Assert.True(trace.TryGet(9, out var nine));
        Assert.Equal((CandidateStatus.Failed, 3, "diverged", At(24, minus330), (DateTimeOffset?)null, (double?)null, (bool?)null),
            (nine.Status, nine.FailedAttempts, nine.LastFailure, nine.FinishedAt!.Value, nine.StartedAt, nine.Objective, nine.CacheHit));
        Assert.Equal([7L, 8, 9], trace.Records.Select(r => r.Id));
        Assert.Equal(1, trace.CountWith(CandidateStatus.Failed));
        Assert.Same(metrics, trace.MetricsOf(7));
        Assert.Null(trace.MetricsOf(8));
        Assert.Null(trace.MetricsOf(10));
    }
}
