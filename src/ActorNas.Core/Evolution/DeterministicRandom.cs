namespace ActorNas.Core.Evolution;

/// <summary>What a random stream is used for; each purpose gets an independent stream per candidate.</summary>
public enum RandomPurpose
{
    RandomGenotype = 1,
    Tournament = 2,
    Mutation = 3,
    EvaluationNoise = 4,
}

/// <summary>
/// SplitMix64, keyed by (search seed, candidate id, purpose). Every draw of a decision depends only on
/// those keys and the state at that moment, so no generator state needs persisting: the log records the
/// outcome of every draw, and a resumed search draws the next candidate's numbers from its own key.
/// </summary>
public sealed class DeterministicRandom
{
    private ulong _state;

    public DeterministicRandom(ulong seed) => _state = seed;

    public static DeterministicRandom For(long seed, long candidateId, RandomPurpose purpose) =>
        new(Mix(Mix((ulong)seed) ^ Mix((ulong)candidateId * 0x9E3779B97F4A7C15UL + (ulong)purpose)));

    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform integer in [0, maxExclusive), without modulo bias.</summary>
    public int NextInt(int maxExclusive)
    {
        if (maxExclusive <= 0) throw new ArgumentOutOfRangeException(nameof(maxExclusive));
        var bound = (ulong)maxExclusive;
        var limit = ulong.MaxValue - ulong.MaxValue % bound;
        ulong x;
        do x = NextUInt64(); while (x >= limit);
        return (int)(x % bound);
    }

    /// <summary>Uniform double in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Standard normal (Box-Muller).</summary>
    public double NextGaussian()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>k distinct indices from 0..n-1 (partial Fisher-Yates), in draw order.</summary>
    public int[] SampleWithoutReplacement(int n, int k)
    {
        if (k > n) throw new ArgumentOutOfRangeException(nameof(k), $"cannot draw {k} of {n}");
        var pool = Enumerable.Range(0, n).ToArray();
        for (var i = 0; i < k; i++)
        {
            var j = i + NextInt(n - i);
            (pool[i], pool[j]) = (pool[j], pool[i]);
        }
        return pool[..k];
    }

    /// <summary>Finalizer of SplitMix64; also a good 64-bit hash.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
