using ActorNas.Core;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Growth;
using ActorNas.Core.Spaces.SpiderNet;
using ActorNas.Torch.Evaluators;
using ActorNas.Torch.Training;
using Xunit;
using static TorchSharp.torch;

namespace ActorNas.Torch.Tests.Training;

/// <summary>
/// SpiderNet on the search's extension points: the train evaluator runs one round of a spidernet candidate and answers
/// its pruned genotype as the revised one; the grower grows a parent by the search's rule, the same for a seed.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class SpiderNetEvaluatorTests : IDisposable
{
    private static readonly SpiderNetSpace Space = new(new SpiderNetSpaceSettings(ReductionCells: 1, InitialChannels: 4));
    private readonly TorchWorkshop _workshop = new(TrainingTestKit.Options(trainImages: 256, validationImages: 64), slots: 1);

    public SpiderNetEvaluatorTests() => set_num_threads(1);

    public void Dispose() => _workshop.Dispose();

    [Fact]
    public async Task A_spidernet_candidate_is_one_round_and_its_pruned_genotype_is_the_revised_one()
    {
        var candidate = new Candidate(5, null, Space.Origin, 1);
        var context = new EvaluationContext("s", Space, Seed: 9, "w", "n", Slot: 0);
        var result = await new TrainEvaluator(_workshop, 0).EvaluateAsync(candidate, context, CancellationToken.None);

        var options = _workshop.Settings;
        var round = SpiderRound.Train(Space, Space.Origin, _workshop.Data,
            new SpiderRoundSettings(options.Epochs, options.BatchSize, options.LearningRate, options.Momentum, options.WeightDecay),
            9 ^ (5 * 1_000_003L), CPU, CancellationToken.None);
        Assert.Equal(round.Pruned, result.Revised);
        Assert.Equal(round.ValidationAccuracy, result.Objective);
        Assert.Equal(round.PrunedOps.Count, result.Metrics!["prunedOps"]);
        Assert.Equal(SpiderCost.Parameters(Space, Space.Origin, 1, 10), result.Metrics["parameters"]);
        Assert.Equal(SpiderCost.Parameters(Space, round.Pruned, 1, 10), result.Metrics["parametersAfterPruning"]);
        Assert.True(result.Metrics["trainingMbEstimate"] > 0);
        // nothing to hand on: every split re-initialises the network
        Assert.Null(result.CacheHit);
        Assert.Equal(0, result.TransferredLayers);
    }

    [Fact]
    public void The_random_control_splits_one_edge_of_every_cell_the_same_way_for_a_seed()
    {
        var grow = SpiderGrowing.Grower(_workshop, Space, new GrowthSpec(GrowthRule.Random, NtkImages: 8, Crops: 50));
        var grown = grow(Space.Origin, 21, 0);
        Assert.Equal(grown, grow(Space.Origin, 21, 0));
        var before = Space.Decode(Space.Origin);
        var after = Space.Decode(grown);
        for (var c = 0; c < before.Count; c++)
        {
            Assert.Equal(before[c].Nodes + 1, after[c].Nodes);
            Assert.Equal(before[c].Edges.Count + 2, after[c].Edges.Count);   // two fresh edges; the old one stays as a shortcut
        }
    }

    [Fact]
    public void The_metrics_rule_grows_by_the_growth_pass_on_the_workshops_data()
    {
        var spec = new GrowthSpec(GrowthRule.Metrics, Reinitialisations: 1, NtkImages: 8, Crops: 100);
        var grow = SpiderGrowing.Grower(_workshop, Space, spec);
        var grown = grow(Space.Origin, 4, 0);

        // the same pass, called directly with the inputs drawn from the same seed
        var train = _workshop.Data.Train;
        using var ntk = TrainFreeScoring.NtkInputs(train, 8, 4, CPU);
        using var crops = TrainFreeScoring.RegionInputs(train, 100, 3, 4, CPU);
        var pass = SpiderGrowth.Grow(Space, Space.Origin, new ActorNas.Torch.Models.InputShape(1, 28, 28, 10), ntk, crops,
            new GrowthSettings(Reinitialisations: 1, Batch: _workshop.Settings.BatchSize), GrowthRule.Metrics, 4, CPU, CancellationToken.None);
        Assert.Equal(pass.Grown, grown);
        Assert.All(Space.Decode(grown).Zip(Space.Decode(Space.Origin)), pair => Assert.InRange(pair.Item1.Nodes - pair.Item2.Nodes, 0, 1));
    }

    [Fact]
    public void The_memory_budget_of_the_growth_settings_is_the_gates_in_bytes()
    {
        // a budget below the starting network's own estimate: no split can be made
        var grow = SpiderGrowing.Grower(_workshop, Space, new GrowthSpec(GrowthRule.Random, MemoryBudgetMb: 1));
        var estimate = SpiderCost.TrainingBytes(Space, Space.Origin, 1, 28, 10, _workshop.Settings.BatchSize);
        Assert.True(estimate > 1024 * 1024, $"the starting network's estimate is {estimate} bytes");
        Assert.Equal(Space.Origin, grow(Space.Origin, 21, 0));
    }
}
