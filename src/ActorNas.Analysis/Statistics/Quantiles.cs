namespace ActorNas.Analysis;

/// <summary>Order statistics used throughout the analysis.</summary>
public static class Quantiles
{
    /// <summary>The q-quantile with linear interpolation between order statistics (q in [0, 1]); NaN when empty. Sorts the span.</summary>
    public static double Of(Span<double> values, double q)
    {
        if (values.Length == 0) return double.NaN;
        values.Sort();
        var position = Math.Clamp(q, 0, 1) * (values.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, values.Length - 1);
        return values[lower] + (values[upper] - values[lower]) * (position - lower);
    }

    public static double Of(IEnumerable<double> values, double q) => Of(values.ToArray().AsSpan(), q);

    public static double Median(Span<double> values) => Of(values, 0.5);

    public static double Median(IEnumerable<double> values) => Of(values, 0.5);

    /// <summary>Spearman's rank correlation (average ranks for ties); NaN with fewer than two pairs or no variance.</summary>
    public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count) throw new ArgumentException("Spearman needs two series of the same length");
        if (x.Count < 2) return double.NaN;
        var rx = Ranks(x);
        var ry = Ranks(y);
        double mx = rx.Average(), my = ry.Average(), sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < rx.Length; i++)
        {
            sxy += (rx[i] - mx) * (ry[i] - my);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - my) * (ry[i] - my);
        }
        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>1-based ranks in ascending order; tied values share the average of their ranks.</summary>
    public static double[] Ranks(IReadOnlyList<double> values)
    {
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]]) end++;
            var rank = (start + end) / 2.0 + 1;
            for (var k = start; k <= end; k++) ranks[order[k]] = rank;
            start = end + 1;
        }
        return ranks;
    }
}

/// <summary>A histogram with fixed bins: counts[i] holds values in [edges[i], edges[i+1]) (the last bin is closed).</summary>
public sealed record Histogram(IReadOnlyList<double> Edges, IReadOnlyList<int> Counts)
{
    public int Total => Counts.Sum();

    /// <summary><paramref name="bins"/> equal-width bins from the minimum to the maximum (one bin when they are equal).</summary>
    public static Histogram EqualWidth(IReadOnlyCollection<double> values, int bins)
    {
        if (values.Count == 0) return new Histogram([0, 1], [0]);
        double min = values.Min(), max = values.Max();
        if (max <= min) return new Histogram([min, min + 1], [values.Count]);
        var width = (max - min) / bins;
        var counts = new int[bins];
        foreach (var v in values) counts[Math.Min(bins - 1, (int)((v - min) / width))]++;
        return new Histogram(Enumerable.Range(0, bins + 1).Select(i => min + i * width).ToArray(), counts);
    }
}
