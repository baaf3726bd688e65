using ActorNas.Core;
using ActorNas.Core.Spaces;
using ActorNas.Torch.Data;
using ActorNas.Torch.Training;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ActorNas.Torch.Tests.Training;

[Collection(TrainingCollection.Name)]
public sealed class DeterminismTests : IDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly DataSplit _data = TrainingTestKit.Synthetic(640, 300);

    public DeterminismTests(ITestOutputHelper output)
    {
        _output = output;
        set_num_threads(1);
    }

    public void Dispose() => _data.Dispose();

    private static readonly SequentialSpace Space = TrainingTestKit.Sequential(3);

    public static TheoryData<string, string> Candidates => new()
    {
        { SequentialSpace.SpaceName, "dense:64:relu/zero|dense:32:tanh/skip:1|dense:48:relu/skip:2" },
        { Nb201Space.SpaceName, "|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|avg_pool_3x3~0|none~1|nor_conv_3x3~2|" },
    };

    private static (ISearchSpace Space, Genotype Genotype) Parse(string space, string genotype) =>
        space == Nb201Space.SpaceName ? (Nb201Space.Instance, Nb201Space.Instance.Parse(genotype)) : (Space, Space.Parse(genotype));

    private TrainingOutcome Train(ISearchSpace space, Genotype genotype, long seed)
    {
        using var store = new LayerStore(64L << 20);
        return Trainer.Train(space, genotype, _data, TrainingTestKit.Options(), store, seed, CPU, CancellationToken.None);
    }

    [Theory]
    [MemberData(nameof(Candidates))]
    public void Same_candidate_and_seed_train_bit_identically(string spaceName, string text)
    {
        var (space, genotype) = Parse(spaceName, text);
        var first = Train(space, genotype, seed: 21);
        var second = Train(space, genotype, seed: 21);
        _output.WriteLine($"{spaceName}: accuracy {first.ValidationAccuracy:R} / {second.ValidationAccuracy:R}, final loss {first.FinalLoss:R} / {second.FinalLoss:R}");
        Assert.Equal(10, first.Steps);
        Assert.True(double.IsFinite(first.FinalLoss));
        Assert.Equal(BitConverter.DoubleToInt64Bits(first.ValidationAccuracy), BitConverter.DoubleToInt64Bits(second.ValidationAccuracy));
        Assert.Equal(BitConverter.DoubleToInt64Bits(first.FinalLoss), BitConverter.DoubleToInt64Bits(second.FinalLoss));
        Assert.Equal((first.Steps, first.Parameters, first.TransferredLayers), (second.Steps, second.Parameters, second.TransferredLayers));

        // the seed matters: another one starts from other weights and visits the images in another order
        var other = Train(space, genotype, seed: 22);
        _output.WriteLine($"{spaceName}: seed 22 gives final loss {other.FinalLoss:R}");
        Assert.NotEqual(first.FinalLoss, other.FinalLoss);
    }

    [Fact]
    public void Concurrent_trainings_match_the_sequential_one()
    {
        // libtorch's default generator is process-wide: Build must not let two threads interleave their draws
        var (space, genotype) = Parse(SequentialSpace.SpaceName, Candidates.First()[1].ToString()!);
        var alone = Train(space, genotype, seed: 21);
        var results = new TrainingOutcome[3];
        var threads = Enumerable.Range(0, results.Length).Select(i => new Thread(() => results[i] = Train(space, genotype, seed: 21))).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        foreach (var r in results)
        {
            Assert.Equal(alone.FinalLoss, r.FinalLoss);
            Assert.Equal(alone.ValidationAccuracy, r.ValidationAccuracy);
        }
    }
}
