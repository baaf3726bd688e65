using ActorNas.Core.Caching;
using Xunit;

namespace ActorNas.Core.Tests;

public sealed class LayerNumbersTests
{
    [Fact]
    public void A_layer_keeps_its_number_while_any_model_uses_it()
    {
        var numbers = new LayerNumbers();
        var first = numbers.Acquire(["a", "b"]);
        var second = numbers.Acquire(["a", "c"]);

        Assert.Equal(first[0], second[0]);
        Assert.Equal(3, new[] { first[0], first[1], second[1] }.Distinct().Count());
        numbers.Release(first);
        numbers.Recycle();
        Assert.True(numbers.TryGet("a", out var a));
        Assert.Equal(first[0], a);
        Assert.False(numbers.TryGet("b", out _));
        Assert.Equal(2, numbers.Count);
    }

    [Fact]
    public void A_released_number_names_its_old_layer_until_recycled_and_is_then_handed_out_again()
    {
        var numbers = new LayerNumbers();
        var old = numbers.Acquire(["old"]);
        numbers.Release(old);
        var meanwhile = numbers.Acquire(["new"]);

        Assert.NotEqual(old[0], meanwhile[0]);
        Assert.Equal("old", numbers.NameOf(old[0]));
        numbers.Recycle();
        var reused = numbers.Acquire(["newer"]);
        Assert.Equal(old[0], reused[0]);
        Assert.Equal("newer", numbers.NameOf(reused[0]));
        Assert.False(numbers.TryGet("old", out _));
    }

    [Fact]
    public void A_number_released_and_taken_again_before_recycling_stays_with_its_layer()
    {
        var numbers = new LayerNumbers();
        var once = numbers.Acquire(["x"]);
        numbers.Release(once);
        var again = numbers.Acquire(["x"]);
        numbers.Recycle();

        Assert.Equal(once, again);
        Assert.True(numbers.TryGet("x", out _));
        Assert.NotEqual(again[0], numbers.Acquire(["y"])[0]);
    }
}
