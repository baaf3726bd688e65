using ActorNas.Core.Caching;
using Xunit;

namespace ActorNas.Core.Tests;

public sealed class LayerSumsTests
{
    [Fact]
    public void Sums_count_each_number_once_in_first_addition_order_and_clear_to_zero()
    {
        var sums = new LayerSums();
        sums.Add(5, 1.5);
        sums.Add(2, 1);
        sums.Add(5, 0.25);

        Assert.Equal([5, 2], sums.Numbers);
        Assert.Equal(1.75, sums[5]);
        Assert.True(sums.Contains(2));
        Assert.False(sums.Contains(3));
        Assert.Equal(0, sums[100]);
        sums.Clear();
        Assert.Empty(sums.Numbers);
        Assert.Equal(0, sums[5]);
        Assert.False(sums.Contains(5));
    }
}
