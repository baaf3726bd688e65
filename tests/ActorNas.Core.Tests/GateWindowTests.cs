using ActorNas.Core.Growth;
using Xunit;

namespace ActorNas.Core.Tests;

public sealed class GateWindowTests
{
    [Fact]
    public void Ops_open_in_fewer_than_a_quarter_of_the_batches_are_pruned()
    {
        var window = new GateWindow(4);
        // gate 0 always open, gate 1 open in 1 of 4 (exactly a quarter: kept), gate 2 never, gate 3 in 2 of 4
        window.Record([true, true, false, true]);
        window.Record([true, false, false, false]);
        window.Record([true, false, false, true]);
        window.Record([true, false, false, false]);

        Assert.Equal(4, window.Batches);
        Assert.Equal([1.0, 0.25, 0.0, 0.5], Enumerable.Range(0, 4).Select(window.OpenFraction));
        Assert.Equal([2], window.ToPrune());
        Assert.Equal([1, 2], window.ToPrune(0.3));
        Assert.Empty(window.ToPrune(0));
    }

    [Fact]
    public void Nothing_is_pruned_before_the_first_batch_and_a_wrong_gate_count_is_refused()
    {
        var window = new GateWindow(2);
        Assert.Empty(window.ToPrune());
        Assert.True(double.IsNaN(window.OpenFraction(0)));
        Assert.Throws<ArgumentException>(() => window.Record([true]));
    }
}
