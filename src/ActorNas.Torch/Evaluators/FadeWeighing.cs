using ActorNas.Core.Spaces.Hierarchical;
using ActorNas.Torch.Training;

namespace ActorNas.Torch.Evaluators;

/// <summary>
/// The fade proxy's region weigher: trains the region supernet on the workshop's training data (the evaluator.train
/// settings) on the device of the slot that trains it and returns its FaDE weights. Called off the slot's thread; the
/// training is synchronous and inside its own dispose scope.
/// </summary>
public static class FadeWeighing
{
    public static RegionWeigher Weigher(TorchWorkshop workshop, RegionTrainingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(workshop);
        settings.Validate();
        return (region, seed, slot) => RegionTrainer.Train(region, workshop.Data, settings, seed, TorchDevices.ForSlot(workshop.Settings.Device, slot),
            CancellationToken.None, measureAccuracy: false).CandidateWeights;
    }
}
