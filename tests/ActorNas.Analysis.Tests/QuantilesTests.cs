using Xunit;

namespace ActorNas.Analysis.Tests;

public sealed class QuantilesTests
{
    private const double Eps = 1e-12;

    [Theory]
    // [1,2,3,4]: position = q * 3; value = x[floor] + (x[floor+1] - x[floor]) * frac
    [InlineData(0.25, 1.75)]   // position 0.75 -> 1 + 0.75
    [InlineData(0.0, 1.0)]
    [InlineData(0.5, 2.5)]     // position 1.5
    [InlineData(0.9, 3.7)]     // position 2.7 -> 3 + 0.7
    [InlineData(1.0, 4.0)]
    [InlineData(-0.5, 1.0)]    // clamped to 0
    [InlineData(1.5, 4.0)]     // clamped to 1
    public void Of_interpolates_linearly_between_order_statistics(double q, double expected)
    {
        Assert.Equal(expected, Quantiles.Of(new[] { 4.0, 1, 3, 2 }, q), Eps);
    }

    [Fact]
    public void Of_a_span_sorts_it_and_the_empty_and_single_cases()
    {
        var values = new[] { 3.0, 1, 2 };
        Assert.Equal(1.5, Quantiles.Of(values.AsSpan(), 0.25), Eps);   // position 0.5 between 1 and 2
        Assert.Equal([1.0, 2, 3], values);                               // documented: sorts the span
        Assert.True(double.IsNaN(Quantiles.Of(Array.Empty<double>(), 0.5)));
        Assert.True(double.IsNaN(Quantiles.Median(Span<double>.Empty)));
        Assert.Equal(7.0, Quantiles.Of(new[] { 7.0 }, 0.3));
    }

    [Fact]
    public void Median_of_odd_and_even_counts()
    {
        Assert.Equal(3.0, Quantiles.Median(new[] { 5.0, 1, 3 }));
        Assert.Equal(2.5, Quantiles.Median(new[] { 10.0, 1, 3, 2 }));        // (2 + 3) / 2
        Assert.Equal(2.5, Quantiles.Median(new[] { 10.0, 1, 3, 2 }.AsSpan()));
    }

    [Fact]
    public void Ranks_are_one_based_and_ties_share_the_average()
    {
        Assert.Equal([3.0, 1, 2], Quantiles.Ranks([30.0, 10, 20]));
        // 20 and 20 take ranks 2 and 3 -> 2.5 each
        Assert.Equal([1.0, 2.5, 2.5, 4], Quantiles.Ranks([10.0, 20, 20, 30]));
        Assert.Equal([4.0, 2, 2, 2], Quantiles.Ranks([9.0, 1, 1, 1]));          // ranks 1..3 -> 2
        Assert.Equal([2.0, 2, 2], Quantiles.Ranks([5.0, 5, 5]));
        Assert.Empty(Quantiles.Ranks([]));
    }

    [Fact]
    public void Spearman_is_plus_or_minus_one_for_monotone_pairs()
    {
        Assert.Equal(1.0, Quantiles.Spearman([1.0, 2, 3, 4], [10.0, 20, 30, 400]), Eps);
        Assert.Equal(-1.0, Quantiles.Spearman([1.0, 2, 3, 4], [40.0, 30, 20, 10]), Eps);
        // monotone but not linear still gives 1
        Assert.Equal(1.0, Quantiles.Spearman([1.0, 2, 3], [1.0, 100, 101]), Eps);
    }

    [Fact]
    public void Spearman_on_hand_examples()
    {
        // one swap: d = [0, 1, -1, 0], 1 - 6 * 2 / (4 * 15) = 0.8
        Assert.Equal(0.8, Quantiles.Spearman([1.0, 2, 3, 4], [1.0, 3, 2, 4]), Eps);
        // ties: rx = [1, 2.5, 2.5, 4], ry = [1, 2, 3, 4]; centred: [-1.5, 0, 0, 1.5], [-1.5, -.5, .5, 1.5]
        // sxy = 4.5, sxx = 4.5, syy = 5 -> 4.5 / sqrt(22.5) = sqrt(0.9)
        Assert.Equal(Math.Sqrt(0.9), Quantiles.Spearman([1.0, 2, 2, 3], [1.0, 2, 3, 4]), Eps);
    }

    [Fact]
    public void Spearman_is_NaN_when_undefined_and_rejects_unequal_lengths()
    {
        Assert.True(double.IsNaN(Quantiles.Spearman([], [])));
        Assert.True(double.IsNaN(Quantiles.Spearman([1.0], [2.0])));
        Assert.True(double.IsNaN(Quantiles.Spearman([1.0, 1, 1], [1.0, 2, 3])));   // no variance in x
        Assert.True(double.IsNaN(Quantiles.Spearman([1.0, 2, 3], [5.0, 5, 5])));   // no variance in y
        Assert.Throws<ArgumentException>(() => Quantiles.Spearman([1.0, 2], [1.0]));
    }

    [Fact]
    public void EqualWidth_bins_with_the_last_bin_closed()
    {
        // width 2: [0,2) holds 0 and 1, [2,4] holds 2, 3 and the maximum 4
        var h = Histogram.EqualWidth([0.0, 1, 2, 3, 4], 2);
        Assert.Equal([0.0, 2, 4], h.Edges);
        Assert.Equal([2, 3], h.Counts);
        Assert.Equal(5, h.Total);

        // width 2 over [0, 10]: 0 and 1.99 in the first bin, 2 in the second, 10 in the last
        var g = Histogram.EqualWidth([10.0, 0, 1.99, 2, 5, 9.99], 5);
        Assert.Equal([0.0, 2, 4, 6, 8, 10], g.Edges);
        Assert.Equal([2, 1, 1, 0, 2], g.Counts);
    }

    [Fact]
    public void EqualWidth_with_equal_minimum_and_maximum_or_no_values()
    {
        var h = Histogram.EqualWidth([3.0, 3, 3], 4);
        Assert.Equal([3.0, 4], h.Edges);
        Assert.Equal([3], h.Counts);

        var empty = Histogram.EqualWidth([], 4);
        Assert.Equal([0.0, 1], empty.Edges);
        Assert.Equal([0], empty.Counts);
        Assert.Equal(0, empty.Total);
    }
}
