using ActorNas.Core.Growth;
using ActorNas.Core.Spaces.SpiderNet;
using ActorNas.Torch.Models;
using ActorNas.Torch.Training;
using static TorchSharp.torch;

namespace ActorNas.Torch.Evaluators;

/// <summary>
/// The grower of a spidernet search: <see cref="SpiderGrowth"/> over the workshop's training data (evaluator.train), with
/// the search's <see cref="GrowthSpec"/>; the NTK batch and the crops are drawn from each growth's seed, so a growth is
/// the same wherever and whenever it runs, on the device of the slot that runs it. Called off the actor's thread (an
/// evaluator slot's, or a Mutator's); synchronous, inside its own dispose scope.
/// </summary>
public static class SpiderGrowing
{
    public static Grower Grower(TorchWorkshop workshop, SpiderNetSpace space, GrowthSpec spec)
    {
        ArgumentNullException.ThrowIfNull(workshop);
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        var settings = new GrowthSettings(Reinitialisations: spec.Reinitialisations,
            MemoryBudgetBytes: spec.MemoryBudgetMb == 0 ? null : spec.MemoryBudgetMb * 1024L * 1024L, Batch: workshop.Settings.BatchSize);
        return (parent, seed, slot) =>
        {
            var train = workshop.Data.Train;
            var device = TorchDevices.ForSlot(workshop.Settings.Device, slot);
            using var scope = NewDisposeScope();
            var ntkBatch = TrainFreeScoring.NtkInputs(train, spec.NtkImages, seed, device);
            var crops = TrainFreeScoring.RegionInputs(train, spec.Crops, 3, seed, device);
            var input = new InputShape(train.Channels, train.Height, train.Width, train.Classes);
            return SpiderGrowth.Grow(space, parent, input, ntkBatch, crops, settings, spec.Rule, seed, device, CancellationToken.None).Grown;
        };
    }
}
