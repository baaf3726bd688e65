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
}
