using ActorNas.Analysis.Tests.TestSupport;
using ActorNas.Core;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;
using Xunit;

namespace ActorNas.Analysis.Tests;

public sealed class LayerReuseTests
{
    private static LayerRequest R(int sequence, ulong identity, string worker = "w1", bool fromParent = false) =>
        new(sequence, sequence, worker, "n", 1, null, 0, identity, fromParent);

    private static List<LayerRequest> Sequence(string identities, string? workers = null) =>
        identities.Select((c, i) => R(i, c, workers is null ? "w1" : "w" + workers[i])).ToList();

    [Fact]
    public void Identities_are_shared_exactly_up_to_the_first_difference()
    {
        var a = LayerReuse.Identities(new Genotype([1, 2, 3, 4, 0, 1]));
        var b = LayerReuse.Identities(new Genotype([1, 2, 3, 0, 0, 1]));   // differs at position 3
        var c = LayerReuse.Identities(new Genotype([1, 2, 3, 4, 0, 1]));
        Assert.Equal(6, a.Length);
        Assert.Equal(a[..3], b[..3]);
        for (var p = 3; p < 6; p++) Assert.NotEqual(a[p], b[p]);            // 4 and 5 agree in value, not in identity
        Assert.Equal(a, c);
        Assert.Equal(6, a.Distinct().Count());

        // the same value at another position is another layer
        var d = LayerReuse.Identities(new Genotype([2, 2]));
        Assert.NotEqual(d[0], d[1]);
        // a different first choice changes every identity
        var e = LayerReuse.Identities(new Genotype([0, 2, 3, 4, 0, 1]));
        Assert.Empty(a.Intersect(e));
    }

    [Fact]
    public void Stack_distances_count_distinct_identities_since_the_previous_request()
    {
        // A B C A B B: A again after {B, C} -> 2; B after {C, A} -> 2; B right after B -> 0; three cold
        var r = LayerReuse.Compute(Sequence("ABCABB"));
        Assert.Equal(6, r.Requests);
        Assert.Equal(3, r.ColdRequests);
        Assert.Equal([2, 2, 0], r.Distances);

        // A B C D C B A: C after {D} -> 1; B after {C, D} -> 2; A after {B, C, D} -> 3
        Assert.Equal([1, 2, 3], LayerReuse.Compute(Sequence("ABCDCBA")).Distances);
        // repeats of one identity between others count once: A B B B A -> 1
        Assert.Equal([0, 0, 1], LayerReuse.Compute(Sequence("ABBBA")).Distances);
        Assert.Equal([0, 0], LayerReuse.Compute(Sequence("AAA")).Distances);
        var empty = LayerReuse.Compute([]);
        Assert.Equal((0, 0), (empty.Requests, empty.ColdRequests));
        Assert.Empty(empty.Distances);
    }

    [Fact]
    public void Same_worker_reuses_and_from_parent_count()
    {
        // A(w1) B(w1) C(w2) A(w2) B(w1) B(w2): A's previous is w1 (no), B's previous w1 (yes), B's previous w1 (no)
        var requests = Sequence("ABCABB", "112212");
        requests[1] = requests[1] with { FromParent = true };
        requests[4] = requests[4] with { FromParent = true };
        var r = LayerReuse.Compute(requests);
        Assert.Equal(1, r.SameWorkerReuses);
        Assert.Equal(2, r.FromParentRequests);
        // A(w1) A(w1) A(w2): the second follows w1 (yes), the third follows the second, on w1 (no)
        Assert.Equal(1, LayerReuse.Compute(Sequence("AAA", "112")).SameWorkerReuses);
    }

    [Fact]
    public void The_announced_count_bounds_the_requests_and_the_sink_sees_each_in_order()
    {
        var requests = Sequence("ABCA");
        var seen = new List<LayerRequest>();
        var r = LayerReuse.Compute(requests, 10, seen.Add);
        Assert.Equal(requests, seen);
        Assert.Equal(4, r.Requests);
        Assert.Throws<ArgumentException>(() => LayerReuse.Compute(requests, 3));
    }

    [Fact]
    public void Buckets_are_zero_then_powers_of_two()
    {
        var r = new LayerReuse(0, 0, [0, 1, 2, 3, 4, 7, 8, 0, 5], 0, 0);
        Assert.Equal([("0", 2), ("1", 1), ("2-3", 2), ("4-7", 3), ("8-15", 1)], r.Buckets());
        Assert.Equal([("0", 1), ("1", 0), ("2-3", 2)], LayerReuse.Compute(Sequence("ABCABB")).Buckets());
        Assert.Equal([("0", 2)], new LayerReuse(0, 0, [0, 0], 0, 0).Buckets());
        Assert.Empty(new LayerReuse(3, 3, [], 0, 0).Buckets());
    }

    [Fact]
    public void Requests_of_tasks_in_start_order_with_the_parent_prefix_marked()
    {
        var g1 = new Genotype([1, 2, 3, 4, 0, 1]);
        var g2 = g1.With(3, 0);   // mutated at 3: positions 0..2 from the parent
        var g3 = g1.With(0, 4);   // mutated at 0: nothing from the parent
        var proposals = new Dictionary<long, Proposal>
        {
            [1] = new(0, 1, null, g1, null, 0),
            [2] = new(1, 2, 1, g2, new Mutation(3, 4, 0), 4),
            [3] = new(2, 3, 1, g3, new Mutation(0, 1, 4), 4),
        };
        List<WorkerTask> tasks =
        [
            new(3, "w1", "n1", 5, 7, TaskOutcome.Evaluated),
            new(2, "w2", "n2", 5, 9, TaskOutcome.Evaluated),       // same start as 3: lower id first
            new(1, "w2", "n2", 0, 4, TaskOutcome.Evaluated),
            new(99, "w1", "n1", 1, 2, TaskOutcome.Failed),         // not among the proposals: no requests
        ];
        var requests = LayerReuse.RequestsOf(Nb201Space.Instance, tasks, proposals, out var count).ToList();
        Assert.Equal(18, count);                                   // 3 tasks x 6 positions
        Assert.Equal(18, requests.Count);
        Assert.Equal(Enumerable.Range(0, 18), requests.Select(r => r.Sequence));
        Assert.Equal([.. Enumerable.Repeat(1L, 6), .. Enumerable.Repeat(2L, 6), .. Enumerable.Repeat(3L, 6)], requests.Select(r => r.CandidateId));
        Assert.Equal(Enumerable.Range(0, 18).Select(i => i % 6), requests.Select(r => r.Position));
        Assert.Equal([.. LayerReuse.Identities(g1), .. LayerReuse.Identities(g2), .. LayerReuse.Identities(g3)], requests.Select(r => r.Identity));
        Assert.Equal(
            [false, false, false, false, false, false, true, true, true, false, false, false, false, false, false, false, false, false],
            requests.Select(r => r.FromParent));
        Assert.Equal(new LayerRequest(6, 5, "w2", "n2", 2, 1, 0, LayerReuse.Identities(g2)[0], true), requests[6]);
        Assert.All(requests.Take(6), r => Assert.Null(r.ParentId));
        Assert.All(requests.Skip(12), r => Assert.Equal(("w1", 5.0), (r.Worker, r.Time)));

        // 1's six layers and g2's last three and g3's six are cold; g2's first three each follow 5 other layers, on w2 again
        var reuse = LayerReuse.Compute(requests, count);
        Assert.Equal(new LayerReuse(18, 15, reuse.Distances, 3, 3), reuse);
        Assert.Equal([5, 5, 5], reuse.Distances);
    }

    [Fact]
    public void Every_attempt_requests_its_layers_and_the_sequential_prefix_stops_at_the_layer()
    {
        var space = LogBuilder.Sequential3.Create();
        var parent = new Genotype([1, 1, 2, 2, 3, 3]);
        var child = parent.With(3, 0);   // layer 1's skip: layer 0 (positions 0, 1) from the parent
        var proposals = new Dictionary<long, Proposal>
        {
            [1] = new(0, 1, null, parent, null, 0),
            [2] = new(1, 2, 1, child, new Mutation(3, 2, 0), 1),
        };
        List<WorkerTask> tasks =
        [
            new(2, "w1", "n", 1, 2, TaskOutcome.Failed),
            new(2, "w2", "n", 3, 4, TaskOutcome.Evaluated),
            new(1, "w2", "n", 0, 1, TaskOutcome.Evaluated),
        ];
        var requests = LayerReuse.RequestsOf(space, tasks, proposals, out var count).ToList();
        Assert.Equal(18, count);
        Assert.Equal([1L, 2, 2], requests.Chunk(6).Select(c => c[0].CandidateId));
        Assert.Equal([0.0, 1, 3], requests.Chunk(6).Select(c => c[0].Time));
        Assert.Equal(
            [false, false, false, false, false, false, true, true, false, false, false, false, true, true, false, false, false, false],
            requests.Select(r => r.FromParent));
        // The identities agree up to the first difference (position 3), so 2's first attempt reuses positions 0..2 of 1
        // (position 2 by identity although the space does not count it as transferable) and its second attempt all six,
        // each after 5 other layers. Cold: 1's six and 2's positions 3..5.
        var reuse = LayerReuse.Compute(requests, count);
        Assert.Equal(6 + 3, reuse.ColdRequests);
        Assert.Equal(Enumerable.Repeat(5, 9), reuse.Distances);
        Assert.Equal(4, reuse.FromParentRequests);
        Assert.Equal(0, reuse.SameWorkerReuses);   // 1 ran on w2, the first attempt of 2 on w1, the second on w2: every reuse changes worker
    }
}
