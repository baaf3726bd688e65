using ActorNas.Core.Spaces.SpiderNet;
using ActorNas.Torch.Data;
using ActorNas.Torch.Training;
using Xunit;
using static TorchSharp.torch;

namespace ActorNas.Torch.Tests.Training;

/// <summary>One SpiderNet round: training with the gates counted after every batch, and pruning what stayed shut.</summary>
[Collection(TrainingCollection.Name)]
public sealed class SpiderRoundTests : IDisposable
{
    private static readonly SpiderNetSpace Space = new(new SpiderNetSpaceSettings(InitialChannels: 4));
    private readonly DataSplit _data = TrainingTestKit.Synthetic(256, 64);
    private static readonly SpiderRoundSettings OneEpoch = new(Epochs: 1);

    public SpiderRoundTests() => set_num_threads(1);

    public void Dispose() => _data.Dispose();

    [Fact]
    public void A_round_trains_prunes_what_stayed_shut_and_is_the_same_for_a_seed()
    {
        var start = Space.Encode(Space.InitialCells());
        var first = SpiderRound.Train(Space, start, _data, OneEpoch, seed: 3, CPU, CancellationToken.None);
        var again = SpiderRound.Train(Space, start, _data, OneEpoch, seed: 3, CPU, CancellationToken.None);

        Assert.Equal(4, first.Steps);
        Assert.True(double.IsFinite(first.FinalLoss), $"loss {first.FinalLoss}");
        Assert.InRange(first.ValidationAccuracy, 0, 1);
        Assert.True(first.Parameters > 0);
        // the next round's genotype is exactly the start with the pruned ops taken out
        var expected = Space.InitialCells().Select((cell, c) => cell.Prune(first.PrunedOps.Where(p => p.Cell == c).Select(p => (p.From, p.To, p.Op))));
        Assert.Equal(Space.Encode([.. expected]), first.Pruned);
        Assert.All(first.PrunedOps, p => Assert.True(p.OpenFraction < 0.25, $"{p} was open in a quarter of the batches or more"));
        Assert.Equal(first.PrunedOps, again.PrunedOps);
        Assert.Equal(first.Pruned, again.Pruned);
        Assert.Equal(first.ValidationAccuracy, again.ValidationAccuracy);
    }

    [Fact]
    public void The_threshold_decides_what_goes_from_nothing_to_everything()
    {
        var start = Space.Encode(Space.InitialCells());
        var none = SpiderRound.Train(Space, start, _data, OneEpoch with { PruneBelow = 0 }, seed: 4, CPU, CancellationToken.None);
        Assert.Empty(none.PrunedOps);
        Assert.Equal(start, none.Pruned);

        // every gate is open in at most all batches: a threshold above 1 prunes every op, and every cell is left empty
        var all = SpiderRound.Train(Space, start, _data, OneEpoch with { PruneBelow = 1.01 }, seed: 4, CPU, CancellationToken.None);
        Assert.Equal(63, all.PrunedOps.Count);
        Assert.Equal("|-|-|-|", Space.Format(all.Pruned));
    }

    [Fact]
    public void Bad_round_settings_are_refused_with_the_setting_named()
    {
        var start = Space.Encode(Space.InitialCells());
        var e = Assert.Throws<ArgumentException>(() => SpiderRound.Train(Space, start, _data, OneEpoch with { DropPath = 1 }, seed: 1, CPU, CancellationToken.None));
        Assert.Contains("drop-path", e.Message);
    }
}
