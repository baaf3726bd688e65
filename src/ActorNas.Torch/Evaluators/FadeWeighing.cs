using ActorNas.Core.Spaces.Hierarchical;
using ActorNas.Torch.Training;

namespace ActorNas.Torch.Evaluators;

/// <summary>
/// The fade proxy's region weigher: trains the region supernet on the workshop's training data (the evaluator.train
/// settings) on the first slot's device and returns its FaDE weights. Called off the Mutator's thread; the training is
/// synchronous and inside its own dispose scope.
/// </summary>
public static class FadeWeighing
{
    public static RegionWeigher Weigher(TorchWorkshop workshop, RegionTrainingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(workshop);
        settings.Validate();
        var device = TorchDevices.ForSlot(workshop.Settings.Device, 0);
        return (region, seed) => RegionTrainer.Train(region, workshop.Data, settings, seed, device, CancellationToken.None).CandidateWeights;
    }
}
