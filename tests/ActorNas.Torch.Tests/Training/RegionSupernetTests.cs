using ActorNas.Core;
using ActorNas.Core.Spaces.Hierarchical;
using ActorNas.Torch.Data;
using ActorNas.Torch.Models;
using ActorNas.Torch.Training;
using Xunit;
using static TorchSharp.torch;

namespace ActorNas.Torch.Tests.Training;

[Collection(TrainingCollection.Name)]
public sealed class RegionSupernetTests : IDisposable
{
    private static readonly HierarchicalSpace Space = new();
    private static readonly InputShape Mnist = new(1, 28, 28, 10);
    private readonly DataSplit _data = TrainingTestKit.Synthetic(512, 64);

    public RegionSupernetTests() => set_num_threads(1);

    public void Dispose() => _data.Dispose();

    /// <summary>Per stage 3 candidates: graphs with 1 to 4 vertices, with and without edges.</summary>
    private static Region ThreeByThree() => new(Space,
    [
        [Index("0"), Index("0110/0001/0001/0000"), Index("01/00")],
        [Index("010/001/000"), Index("0"), Index("0111/0000/0000/0000")],
        [Index("01/00"), Index("011/001/000"), Index("00/00")],
    ]);

    private static int Index(string graph) => Space.Parse($"|{graph}|0|0|")[0];

    [Fact]
    public void A_one_hot_alpha_makes_the_supernet_the_standalone_network_on_the_same_weights()
    {
        var region = ThreeByThree();
        using var supernet = RegionTrainer.Build(region, Mnist, seed: 3, CPU);
        using var scope = NewDisposeScope();
        manual_seed(9);
        var x = randn(5, 1, 28, 28);
        foreach (var choice in new[] { new[] { 0, 0, 0 }, [1, 0, 1], [2, 2, 2], [1, 2, 0] })
        {
            var genotype = region.GenotypeOf(choice);
            using var standalone = Networks.Build(Space, genotype, Mnist, new NetworkSettings());
            standalone.load_state_dict(supernet.StandaloneState(choice), strict: true);
            supernet.SelectOnly(choice);
            supernet.eval();
            standalone.eval();
            using var noGrad = no_grad();
            var expected = standalone.forward(x);
            var actual = supernet.forward(x);
            Assert.True(actual.allclose(expected, rtol: 1e-5, atol: 1e-6),
                $"{Space.Format(genotype)}: the supernet differs from the standalone network by {(actual - expected).abs().max().item<float>()}");
        }
    }

    [Fact]
    public void The_supernet_holds_every_candidate_with_its_own_weights_once()
    {
        var region = ThreeByThree();
        using var supernet = RegionTrainer.Build(region, Mnist, seed: 3, CPU);
        // shared: the stage convs and the head; per candidate: its edges; per stage: k alphas
        var expected = 0L;
        for (var s = 0; s < 3; s++)
        {
            var c = Space.Settings.Channels[s];
            var input = s == 0 ? 1 : Space.Settings.Channels[s - 1];
            expected += input * c * 9 + c + 3;
            expected += region.CandidatesAt(s).Sum(g => Space.Catalogue.Graphs[g].EdgeCount * (c * c * 9L + c));
        }
        expected += 16 * 2 * 2 * 10 + 10;
        Assert.Equal(expected, supernet.parameters().Sum(p => p.numel()));
        Assert.Equal(3, supernet.Alphas.Count);
        Assert.All(supernet.CandidateWeights(), w => Assert.Equal(1.0, w.Sum(), 6));
    }

    [Theory]
    [InlineData(RegionTrainingMode.Joint)]
    [InlineData(RegionTrainingMode.FirstOrder)]
    public void Training_moves_the_alphas_and_the_ranks_are_the_same_for_a_seed(RegionTrainingMode mode)
    {
        var region = ThreeByThree();
        var settings = new RegionTrainingSettings(Epochs: 2, BatchSize: 64, Mode: mode);
        var first = RegionTrainer.Train(region, _data, settings, seed: 5, CPU, CancellationToken.None);
        var again = RegionTrainer.Train(region, _data, settings, seed: 5, CPU, CancellationToken.None);
        var other = RegionTrainer.Train(region, _data, settings, seed: 6, CPU, CancellationToken.None);

        Assert.Equal(16, first.Steps);
        Assert.True(double.IsFinite(first.FinalLoss), $"loss {first.FinalLoss}");
        Assert.Equal(first.CandidateWeights, again.CandidateWeights);   // bit for bit
        Assert.NotEqual(first.CandidateWeights, other.CandidateWeights);
        // a search's step skips the supernet's own accuracy; its weights are the same
        var stepOnly = RegionTrainer.Train(region, _data, settings, seed: 5, CPU, CancellationToken.None, measureAccuracy: false);
        Assert.Equal(first.CandidateWeights, stepOnly.CandidateWeights);
        Assert.True(double.IsNaN(stepOnly.ValidationAccuracy) && double.IsFinite(first.ValidationAccuracy));

        using (var untrained = RegionTrainer.Build(region, Mnist, seed: 5, CPU))
            Assert.NotEqual(untrained.CandidateWeights(), first.CandidateWeights);

        var members = Enumerable.Range(0, 27).Select(i => region.GenotypeOf([i % 3, i / 3 % 3, i / 9])).ToList();
        var ranks = FadeRanks.Rank(region, first.CandidateWeights, members);
        Assert.Equal(ranks, FadeRanks.Rank(region, again.CandidateWeights, members));
        Assert.Equal(27, ranks.Count);
        Assert.True(ranks.Zip(ranks.Skip(1)).All(p => p.Item1.Score >= p.Item2.Score));
    }

    [Fact]
    public void Data_of_another_shape_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => RegionTrainer.Build(ThreeByThree(), new InputShape(3, 32, 32, 10), 1, CPU));
        Assert.Contains("actornas.space.hierarchical.input-channels", error.Message, StringComparison.Ordinal);
    }
}
