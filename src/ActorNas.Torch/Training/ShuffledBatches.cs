using ActorNas.Torch.Data;
using static TorchSharp.torch;

namespace ActorNas.Torch.Training;

/// <summary>
/// The batch loop every trainer here shares: per epoch a permutation of the training images from a generator seeded
/// once, then the batches in that order, each on the device inside its own dispose scope, so a training is the same for
/// a seed and nothing of a step outlives it.
/// </summary>
internal static class ShuffledBatches
{
    /// <param name="step">Called per batch with the images, the labels and the step number (from 0); returns the batch's loss.</param>
    /// <returns>The last batch's loss (NaN when there was none) and the number of steps.</returns>
    public static (double LastLoss, int Steps) Run(ImageSet train, int epochs, int batchSize, long seed, Device device, CancellationToken cancel,
        Func<Tensor, Tensor, int, double> step)
    {
        var batches = BatchesPerEpoch(train, batchSize);
        using var generator = new Generator((ulong)seed);
        var last = double.NaN;
        var count = 0;
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            using var order = randperm(train.Count, generator: generator);
            for (var b = 0; b < batches; b++, count++)
            {
                cancel.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var index = order.narrow(0, b * batchSize, Math.Min(batchSize, train.Count - b * batchSize));
                last = step(train.Images.index_select(0, index).to(device), train.Labels.index_select(0, index).to(device), count);
            }
        }
        return (last, count);
    }

    public static int BatchesPerEpoch(ImageSet train, int batchSize) => (train.Count + batchSize - 1) / batchSize;
}
