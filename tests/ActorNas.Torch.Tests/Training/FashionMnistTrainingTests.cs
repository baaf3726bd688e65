using System.Diagnostics;
using ActorNas.Core.Spaces;
using ActorNas.Torch.Training;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ActorNas.Torch.Tests.Training;

/// <summary>Real training on real data: 5,000 Fashion-MNIST images, one epoch of SGD (lr 0.05, batch 64).</summary>
[Collection(TrainingCollection.Name)]
public sealed class FashionMnistTrainingTests : IClassFixture<FashionMnistSmallFixture>
{
    private readonly FashionMnistSmallFixture fixture;
    private readonly ITestOutputHelper output;

    public FashionMnistTrainingTests(FashionMnistSmallFixture fixture, ITestOutputHelper output)
    {
        this.fixture = fixture;
        this.output = output;
        set_num_threads(1);
    }

    private static readonly Core.Evaluation.TrainingOptions Options =
        TrainingTestKit.Options(trainImages: 5000, validationImages: 1000, transfer: false, dataset: "fashion-mnist");

    private bool Skipped()
    {
        if (fixture.Data is not null) return false;
        output.WriteLine(FashionMnistSmallFixture.SkipMessage);
        return true;
    }

    [Fact]
    public void Two_dense_layers_reach_80_percent_in_one_epoch()
    {
        if (Skipped()) return;
        var data = fixture.Data!;
        Assert.Equal((5000, 1000), (data.Train.Count, data.Validation.Count));
        var space = new SequentialSpace(new SequentialSpaceOptions { Layers = 2, Units = [64], Activations = ["relu"] });
        var genotype = space.Parse("dense:64:relu/zero|dense:64:relu/zero");

        var watch = Stopwatch.StartNew();
        var outcome = Trainer.Train(space, genotype, data, Options, store: null, seed: 1, CPU, CancellationToken.None);
        watch.Stop();

        output.WriteLine($"sequential 2x64 relu: validation accuracy {outcome.ValidationAccuracy:P1}, final loss {outcome.FinalLoss:F3}, " +
                         $"{outcome.Steps} steps, {outcome.Parameters} parameters, wall {watch.Elapsed.TotalSeconds:F2} s " +
                         $"(train {outcome.TrainSeconds:F2} s; data loaded in {fixture.LoadTime.TotalSeconds:F2} s)");
        Assert.Equal(79, outcome.Steps);                       // ceil(5000 / 64)
        Assert.Equal(784 * 64 + 64 + 64 * 64 + 64 + 64 * 10 + 10, outcome.Parameters);
        Assert.True(outcome.ValidationAccuracy >= 0.80, $"accuracy {outcome.ValidationAccuracy:P1} < 80 %");
        Assert.True(double.IsFinite(outcome.FinalLoss) && outcome.FinalLoss < 1.0, $"final loss {outcome.FinalLoss}");
        Assert.Equal(0, outcome.TransferredLayers);
    }

    [Fact]
    public void Tiny_nb201_network_learns_in_one_epoch()
    {
        if (Skipped()) return;
        var data = fixture.Data!;
        var genotype = Nb201Space.Instance.Parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|");

        var watch = Stopwatch.StartNew();
        var outcome = Trainer.Train(Nb201Space.Instance, genotype, data, Options, store: null, seed: 1, CPU, CancellationToken.None);
        watch.Stop();

        output.WriteLine($"NB201 C=4 N=1 {Nb201Space.Instance.Format(genotype)}: validation accuracy {outcome.ValidationAccuracy:P1}, " +
                         $"final loss {outcome.FinalLoss:F3}, {outcome.Steps} steps, {outcome.Parameters} parameters, wall {watch.Elapsed.TotalSeconds:F2} s");
        Assert.Equal(79, outcome.Steps);
        // measured 0.0 % here (libtorch CPU, 2 cores); the bound leaves a wide margin for other BLAS builds
        Assert.True(outcome.ValidationAccuracy >= 0.65, $"accuracy {outcome.ValidationAccuracy:P1} < 65 %");
    }
}
