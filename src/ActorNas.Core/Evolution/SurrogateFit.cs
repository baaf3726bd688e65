using ActorNas.Core.Spaces;

namespace ActorNas.Core.Evolution;

/// <summary>
/// Ridge regression of the objective on one-hot features (one per position and value), fitted to the population:
/// an additive model of "what each choice at each position is worth", cheap enough to refit for every mutation.
/// </summary>
public static class SurrogateFit
{
    private const double Ridge = 1.0;

    public static int FeatureCount(ISearchSpace space)
    {
        var n = 0;
        for (var i = 0; i < space.Length; i++) n += space.ChoicesAt(i);
        return n;
    }

    /// <summary>Weights per feature, or null with fewer than two members (nothing to learn from).</summary>
    public static double[]? Fit(ISearchSpace space, IReadOnlyList<Member> population)
    {
        if (population.Count < 2) return null;
        var d = FeatureCount(space);
        var mean = population.Average(m => m.Objective);
        // normal equations (X^T X + ridge I) w = X^T (y - mean), X one-hot; the intercept is the mean
        var a = new double[d, d];
        var b = new double[d];
        var active = new int[space.Length];
        foreach (var member in population)
        {
            Features(space, member.Genotype, active);
            var y = member.Objective - mean;
            foreach (var i in active)
            {
                b[i] += y;
                foreach (var j in active) a[i, j] += 1;
            }
        }
        for (var i = 0; i < d; i++) a[i, i] += Ridge;
        return SolveSymmetricPositiveDefinite(a, b);
    }

    public static double Predict(ISearchSpace space, IReadOnlyList<double> weights, Genotype genotype)
    {
        var active = new int[space.Length];
        Features(space, genotype, active);
        var score = 0.0;
        foreach (var i in active) score += weights[i];
        return score;
    }

    private static void Features(ISearchSpace space, Genotype genotype, int[] active)
    {
        var offset = 0;
        for (var p = 0; p < space.Length; p++)
        {
            active[p] = offset + genotype[p];
            offset += space.ChoicesAt(p);
        }
    }

    /// <summary>Cholesky: A = L L^T, then two triangular solves. A is positive definite thanks to the ridge term.</summary>
    private static double[] SolveSymmetricPositiveDefinite(double[,] a, double[] b)
    {
        var n = b.Length;
        var l = new double[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j <= i; j++)
            {
                var sum = a[i, j];
                for (var k = 0; k < j; k++) sum -= l[i, k] * l[j, k];
                l[i, j] = i == j ? Math.Sqrt(sum) : sum / l[j, j];
            }
        var z = new double[n];
        for (var i = 0; i < n; i++)
        {
            var sum = b[i];
            for (var k = 0; k < i; k++) sum -= l[i, k] * z[k];
            z[i] = sum / l[i, i];
        }
        var x = new double[n];
        for (var i = n - 1; i >= 0; i--)
        {
            var sum = z[i];
            for (var k = i + 1; k < n; k++) sum -= l[k, i] * x[k];
            x[i] = sum / l[i, i];
        }
        return x;
    }
}
