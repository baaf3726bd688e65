using ActorNas.Core.Evolution;
using CsCheck;
using Xunit;

namespace ActorNas.Core.Tests;

public sealed class DeterministicRandomTests
{
    private static ulong[] Draw(DeterministicRandom r, int n) => Enumerable.Range(0, n).Select(_ => r.NextUInt64()).ToArray();

    [Fact]
    public void The_same_keys_give_the_same_sequence() =>
        Gen.Select(Gen.Long, Gen.Long[1, long.MaxValue], Gen.Enum<RandomPurpose>()).Sample((seed, id, purpose) =>
            Assert.Equal(Draw(DeterministicRandom.For(seed, id, purpose), 16), Draw(DeterministicRandom.For(seed, id, purpose), 16)),
            iter: 200);

    [Fact]
    public void Different_keys_give_different_sequences()
    {
        var first = new HashSet<ulong>();
        var count = 0;
        foreach (var seed in new long[] { 0, 1, -1, 42 })
            foreach (var id in new long[] { 1, 2, 3, 1000 })
                foreach (var purpose in Enum.GetValues<RandomPurpose>())
                {
                    first.Add(DeterministicRandom.For(seed, id, purpose).NextUInt64());
                    count++;
                }
        Assert.Equal(count, first.Count);
        Assert.NotEqual(Draw(new DeterministicRandom(1), 4), Draw(new DeterministicRandom(2), 4));
    }

    [Fact]
    public void NextInt_stays_in_range() =>
        Gen.Select(Gen.ULong, Gen.Int[1, int.MaxValue]).Sample((seed, n) =>
        {
            var r = new DeterministicRandom(seed);
            for (var i = 0; i < 50; i++) Assert.InRange(r.NextInt(n), 0, n - 1);
        }, iter: 300);

    [Fact]
    public void NextInt_of_one_is_always_zero_and_a_non_positive_bound_is_refused()
    {
        var r = new DeterministicRandom(7);
        Assert.All(Enumerable.Range(0, 20), _ => Assert.Equal(0, r.NextInt(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => r.NextInt(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => r.NextInt(-5));
    }

    [Fact]
    public void NextInt_is_roughly_uniform()
    {
        var r = DeterministicRandom.For(123, 1, RandomPurpose.Mutation);
        var counts = new int[7];
        for (var i = 0; i < 70_000; i++) counts[r.NextInt(7)]++;
        Assert.All(counts, c => Assert.InRange(c, 9_400, 10_600));   // expected 10,000, sd about 93
    }

    [Fact]
    public void NextDouble_is_in_the_unit_interval_with_mean_one_half_and_NextGaussian_is_standard()
    {
        var r = new DeterministicRandom(99);
        var doubles = Enumerable.Range(0, 20_000).Select(_ => r.NextDouble()).ToArray();
        Assert.All(doubles, d => Assert.InRange(d, 0.0, 0.9999999999999999));
        Assert.InRange(doubles.Average(), 0.49, 0.51);
        var gaussians = Enumerable.Range(0, 20_000).Select(_ => r.NextGaussian()).ToArray();
        Assert.All(gaussians, g => Assert.True(double.IsFinite(g)));
        var mean = gaussians.Average();
        var sd = Math.Sqrt(gaussians.Select(g => (g - mean) * (g - mean)).Average());
        Assert.InRange(mean, -0.03, 0.03);
        Assert.InRange(sd, 0.97, 1.03);
    }

    [Fact]
    public void SampleWithoutReplacement_gives_distinct_indices_in_range() =>
        Gen.Select(Gen.Int[0, 60].SelectMany(n => Gen.Int[0, n].Select(k => (n, k))), Gen.ULong, (nk, seed) => (nk.n, nk.k, seed))
            .Sample(x =>
            {
                var sample = new DeterministicRandom(x.seed).SampleWithoutReplacement(x.n, x.k);
                Assert.Equal(x.k, sample.Length);
                Assert.Equal(x.k, sample.Distinct().Count());
                Assert.All(sample, i => Assert.InRange(i, 0, x.n - 1));
                Assert.Equal(sample, new DeterministicRandom(x.seed).SampleWithoutReplacement(x.n, x.k));
            }, iter: 300);

    [Fact]
    public void SampleWithoutReplacement_of_all_is_a_permutation_and_more_than_all_is_refused()
    {
        var r = new DeterministicRandom(5);
        Assert.Equal(Enumerable.Range(0, 10), r.SampleWithoutReplacement(10, 10).Order());
        Assert.Throws<ArgumentOutOfRangeException>(() => r.SampleWithoutReplacement(3, 4));
    }

    [Fact]
    public void Every_index_is_equally_likely_to_be_drawn_first()
    {
        var counts = new int[5];
        for (var id = 1; id <= 50_000; id++) counts[DeterministicRandom.For(3, id, RandomPurpose.Tournament).SampleWithoutReplacement(5, 2)[0]]++;
        Assert.All(counts, c => Assert.InRange(c, 9_400, 10_600));
    }

    [Fact]
    public void Mix_is_the_SplitMix64_finalizer()
    {
        // reference values of SplitMix64 seeded with 0: the first outputs are Mix(golden), Mix(2 * golden)
        Assert.Equal(0xE220A8397B1DCDAFUL, DeterministicRandom.Mix(0x9E3779B97F4A7C15UL));
        Assert.Equal(0x6E789E6AA1B965F4UL, DeterministicRandom.Mix(unchecked(0x9E3779B97F4A7C15UL * 2)));
        Assert.Equal(0xE220A8397B1DCDAFUL, new DeterministicRandom(0).NextUInt64());
    }
}
