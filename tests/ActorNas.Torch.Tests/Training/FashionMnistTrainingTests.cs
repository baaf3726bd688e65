using System.Diagnostics;
using ActorNas.Core.Spaces;
using ActorNas.Core.Spaces.Hierarchical;
using ActorNas.Torch.Tests.Data;
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

    private static readonly Core.Evaluation.TrainingSettings Options =
        TrainingTestKit.Options(trainImages: 5000, validationImages: 1000, transfer: false, dataset: "fashion-mnist");

    /// <summary>
    /// One epoch is 79 steps under a cosine schedule: measured 76.0 % here (seeds 1-3: 75.4-77.1 %; one dense layer of
    /// 64: 78.5-78.9 %), so 80 % is out of reach in one epoch; three epochs reach it (next test).
    /// </summary>
    [SkippableFact]
    public void Two_dense_layers_learn_in_one_epoch()
    {
        FashionMnistAvailability.SkipIfMissing();
        var data = fixture.Data!;
        Assert.Equal((5000, 1000), (data.Train.Count, data.Validation.Count));
        var space = new SequentialSpace(new SequentialSpaceSettings { Layers = 2, Units = [64], Activations = ["relu"] });
        var genotype = space.Parse("dense:64:relu/zero|dense:64:relu/zero");

        var watch = Stopwatch.StartNew();
        var outcome = Trainer.Train(space, genotype, data, Options, store: null, seed: 1, CPU, CancellationToken.None);
        watch.Stop();

        output.WriteLine($"sequential 2x64 relu: validation accuracy {outcome.ValidationAccuracy:P1}, final loss {outcome.FinalLoss:F3}, " +
                         $"{outcome.Steps} steps, {outcome.Parameters} parameters, wall {watch.Elapsed.TotalSeconds:F2} s " +
                         $"(train {outcome.TrainSeconds:F2} s; data loaded in {fixture.LoadTime.TotalSeconds:F2} s)");
        Assert.Equal(79, outcome.Steps);                       // ceil(5000 / 64)
        Assert.Equal(784 * 64 + 64 + 64 * 64 + 64 + 64 * 10 + 10, outcome.Parameters);
        Assert.True(outcome.ValidationAccuracy >= 0.72, $"accuracy {outcome.ValidationAccuracy:P1} < 72 %");
        Assert.True(double.IsFinite(outcome.FinalLoss) && outcome.FinalLoss < 1.5, $"final loss {outcome.FinalLoss}");
        Assert.Equal(0, outcome.TransferredLayers);
    }

    /// <summary>Measured 82.6 % here (seed 2: 82.1 %; two epochs: 80.5 / 82.1 %).</summary>
    [SkippableFact]
    public void Two_dense_layers_reach_80_percent_in_three_epochs()
    {
        FashionMnistAvailability.SkipIfMissing();
        var space = new SequentialSpace(new SequentialSpaceSettings { Layers = 2, Units = [64], Activations = ["relu"] });
        var genotype = space.Parse("dense:64:relu/zero|dense:64:relu/zero");
        var watch = Stopwatch.StartNew();
        var outcome = Trainer.Train(space, genotype, fixture.Data!, Options with { Epochs = 3 }, store: null, seed: 1, CPU, CancellationToken.None);
        output.WriteLine($"sequential 2x64 relu, 3 epochs: validation accuracy {outcome.ValidationAccuracy:P1}, wall {watch.Elapsed.TotalSeconds:F2} s");
        Assert.Equal(3 * 79, outcome.Steps);
        Assert.True(outcome.ValidationAccuracy >= 0.80, $"accuracy {outcome.ValidationAccuracy:P1} < 80 %");
    }

    [SkippableFact]
    public void Tiny_nb201_network_learns_in_one_epoch()
    {
        FashionMnistAvailability.SkipIfMissing();
        var data = fixture.Data!;
        var genotype = Nb201Space.Instance.Parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|");

        var watch = Stopwatch.StartNew();
        var outcome = Trainer.Train(Nb201Space.Instance, genotype, data, Options, store: null, seed: 1, CPU, CancellationToken.None);
        watch.Stop();

        output.WriteLine($"NB201 C=4 N=1 {Nb201Space.Instance.Format(genotype)}: validation accuracy {outcome.ValidationAccuracy:P1}, " +
                         $"final loss {outcome.FinalLoss:F3}, {outcome.Steps} steps, {outcome.Parameters} parameters, wall {watch.Elapsed.TotalSeconds:F2} s");
        Assert.Equal(79, outcome.Steps);
        // measured 62.5 % here (one libtorch thread; 62.9 % with two); other seeds gave 57-71 % for this size, so the
        // bound is well below (chance is 10 %)
        Assert.True(outcome.ValidationAccuracy >= 0.50, $"accuracy {outcome.ValidationAccuracy:P1} < 50 %");
    }

    [SkippableFact]
    public void Hierarchical_network_learns_in_one_epoch()
    {
        FashionMnistAvailability.SkipIfMissing();
        var space = new Core.Spaces.Hierarchical.HierarchicalSpace();
        var genotype = space.Parse("|0110/0001/0001/0000|010/001/000|01/00|");

        var watch = Stopwatch.StartNew();
        var outcome = Trainer.Train(space, genotype, fixture.Data!, Options, store: null, seed: 1, CPU, CancellationToken.None);
        watch.Stop();

        output.WriteLine($"hierarchical {space.Format(genotype)}: validation accuracy {outcome.ValidationAccuracy:P1}, " +
                         $"final loss {outcome.FinalLoss:F3}, {outcome.Steps} steps, {outcome.Parameters} parameters, wall {watch.Elapsed.TotalSeconds:F2} s");
        Assert.Equal(79, outcome.Steps);
        Assert.Equal((long)space.Cost(genotype).Parameters, outcome.Parameters);
        Assert.True(double.IsFinite(outcome.FinalLoss), $"final loss {outcome.FinalLoss}");
        // measured 71.8 % here (seed 1, one libtorch thread; 11 % before the vertex sums were scaled to unit mean square)
        Assert.True(outcome.ValidationAccuracy >= 0.50, $"accuracy {outcome.ValidationAccuracy:P1} < 50 %");
    }

    /// <summary>A region of 2 x 2 x 2 architectures (6 cells), one epoch of joint training on 5,000 images.</summary>
    [SkippableFact]
    public void Region_supernet_learns_in_one_epoch()
    {
        FashionMnistAvailability.SkipIfMissing();
        var space = new Core.Spaces.Hierarchical.HierarchicalSpace();
        var region = Core.Spaces.Hierarchical.Region.Of(space,
            [space.Parse("|0110/0001/0001/0000|010/001/000|01/00|"), space.Parse("|01/00|0|011/001/000|")]);
        var settings = new RegionTrainingSettings(Epochs: 1, BatchSize: 64);

        var watch = Stopwatch.StartNew();
        var outcome = RegionTrainer.Train(region, fixture.Data!, settings, seed: 1, CPU, CancellationToken.None);
        watch.Stop();

        output.WriteLine($"region supernet 2x2x2: validation accuracy {outcome.ValidationAccuracy:P1}, final loss {outcome.FinalLoss:F3}, " +
                         $"{outcome.Steps} steps, weights {string.Join(" | ", outcome.CandidateWeights.Select(w => string.Join(", ", w.Select(v => v.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))))}, " +
                         $"wall {watch.Elapsed.TotalSeconds:F2} s");
        Assert.Equal(79, outcome.Steps);
        Assert.True(double.IsFinite(outcome.FinalLoss), $"final loss {outcome.FinalLoss}");
        // measured 67.4 % here (seed 1, one libtorch thread, 3.7 s; softmax weights 0.24/0.76, 0.20/0.80, 0.78/0.22)
        Assert.True(outcome.ValidationAccuracy >= 0.5, $"accuracy {outcome.ValidationAccuracy:P1} < 50 %");
    }
}
