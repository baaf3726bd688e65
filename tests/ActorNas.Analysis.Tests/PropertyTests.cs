using ActorNas.Core;
using CsCheck;
using Xunit;

namespace ActorNas.Analysis.Tests;

/// <summary>The fast implementations against obvious slow ones, on random small inputs.</summary>
public sealed class PropertyTests
{
    [Fact]
    public void Stack_distances_equal_the_count_of_distinct_identities_since_the_previous_request()
    {
        Gen.Select(Gen.Int[0, 6].Array[0, 60], Gen.Int[0, 2].Array[60]).Sample((identities, workers) =>
        {
            var requests = identities.Select((id, i) => new LayerRequest(i, i, "w" + workers[i], "n", 1, null, 0, (ulong)id, i % 3 == 0)).ToList();
            var reuse = LayerReuse.Compute(requests);

            var distances = new List<int>();
            int cold = 0, same = 0;
            for (var i = 0; i < identities.Length; i++)
            {
                var previous = i == 0 ? -1 : Array.LastIndexOf(identities, identities[i], i - 1);
                if (previous < 0) { cold++; continue; }
                distances.Add(identities[(previous + 1)..i].Distinct().Count());
                if (workers[previous] == workers[i]) same++;
            }
            Assert.Equal(identities.Length, reuse.Requests);
            Assert.Equal(cold, reuse.ColdRequests);
            Assert.Equal(distances, reuse.Distances);
            Assert.Equal(same, reuse.SameWorkerReuses);
            Assert.Equal((identities.Length + 2) / 3, reuse.FromParentRequests);
            Assert.Equal(reuse.Distances.Count, reuse.Buckets().Sum(b => b.Count));
        });
    }

    [Fact]
    public void Donor_window_counts_equal_a_count_over_the_window()
    {
        Gen.Select(Gen.Int[0, 4].Array[1, 40], Gen.Int[1, 8]).Sample((parents, window) =>
        {
            // parent 0 means a random proposal
            var zero = new Genotype([0]);
            var proposals = parents.Select((p, i) => new Proposal(i, 100 + i, p == 0 ? null : p, zero, null, i)).ToList();
            var donors = DonorPopularity.Compute(proposals, [], window, seriesCount: 10);
            foreach (var series in donors.TopSeries)
                for (var i = 0; i < parents.Length; i++)
                {
                    var from = Math.Max(0, i - window + 1);
                    Assert.Equal(parents[from..(i + 1)].Count(p => p == series.Id), series.WindowCounts[i]);
                }
            Assert.Equal(parents.Count(p => p != 0), donors.ChildrenTotal);
            Assert.Equal(parents.Where(p => p != 0).Distinct().Count(), donors.Donors.Count);
        });
    }

    [Fact]
    public void Quantiles_lie_between_the_extremes_and_grow_with_q()
    {
        Gen.Select(Gen.Double[-100, 100].Array[1, 30], Gen.Double[0, 1], Gen.Double[0, 1]).Sample((values, a, b) =>
        {
            var (lo, hi) = (Math.Min(a, b), Math.Max(a, b));
            var qlo = Quantiles.Of(values, lo);
            var qhi = Quantiles.Of(values, hi);
            Assert.InRange(qlo, values.Min(), values.Max());
            Assert.True(qlo <= qhi + 1e-9);
            Assert.Equal(values.Length * (values.Length + 1) / 2.0, Quantiles.Ranks(values).Sum(), 6);
        });
    }
}
