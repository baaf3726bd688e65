using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;

namespace ActorNas.Core.Evaluation;

/// <summary>
/// A seeded, deterministic objective over genotypes, for tests and benchmarks; not a real model's accuracy.
/// Each position contributes a weight for its value, and each adjacent pair a weight for their combination
/// (an NK landscape with K = 1). A single mutation changes at most three terms, so neighbours have related
/// scores and evolution has structure to climb. Scores lie in (0, 1).
/// </summary>
public sealed class SyntheticLandscape
{
    private readonly double[][] _single;
    private readonly double[][] _pair;     // _pair[i][a * choices(i+1) + b]
    private readonly int[] _choices;
    private readonly double _scale;

    public SyntheticLandscape(ISearchSpace space, long seed)
    {
        var random = new DeterministicRandom(DeterministicRandom.Mix((ulong)seed ^ 0x5EED_1A2D_5CA9EUL));
        _choices = Enumerable.Range(0, space.Length).Select(space.ChoicesAt).ToArray();
        _single = _choices.Select(n => Enumerable.Range(0, n).Select(_ => random.NextGaussian()).ToArray()).ToArray();
        _pair = Enumerable.Range(0, Math.Max(0, space.Length - 1))
            .Select(i => Enumerable.Range(0, _choices[i] * _choices[i + 1]).Select(_ => 0.5 * random.NextGaussian()).ToArray())
            .ToArray();
        _scale = Math.Sqrt(space.Length * 1.25);
    }

    public double Score(Genotype genotype)
    {
        var sum = 0.0;
        for (var i = 0; i < genotype.Length; i++)
        {
            sum += _single[i][genotype[i]];
            if (i + 1 < genotype.Length) sum += _pair[i][genotype[i] * _choices[i + 1] + genotype[i + 1]];
        }
        return 1.0 / (1.0 + Math.Exp(-sum / _scale));
    }
}
