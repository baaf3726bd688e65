namespace ActorNas.Core.Spaces.Hierarchical;

/// <summary>How the region supernet trains its weights and its α.</summary>
public enum RegionTrainingMode
{
    /// <summary>One Adam over weights and α together, every batch ("trivial" in the authors' code).</summary>
    Joint,
    /// <summary>First-order DARTS: batches alternate between an α step and a weight step, each with its own Adam.</summary>
    FirstOrder,
}

/// <summary>
/// Settings of a region supernet's training. Defaults: the CPU-sized FaDE setting (Adam, learning rate 0.05 falling
/// linearly to 0.01 over the first min(5, epochs) epochs, batch 256, 5 epochs, joint training).
/// </summary>
public sealed record RegionTrainingSettings(
    int Epochs = 5,
    int BatchSize = 256,
    double LearningRate = 0.05,
    double FinalLearningRate = 0.01,
    RegionTrainingMode Mode = RegionTrainingMode.Joint)
{
    public void Validate()
    {
        if (Epochs < 1) throw new ArgumentException($"region training needs at least 1 epoch, got {Epochs}");
        if (BatchSize < 1) throw new ArgumentException($"region training batch size must be >= 1, got {BatchSize}");
        if (!(LearningRate > 0) || !(FinalLearningRate > 0))
            throw new ArgumentException($"region training learning rates must be > 0, got {LearningRate} and {FinalLearningRate}");
    }

    /// <summary>The learning rate at <paramref name="step"/> of <paramref name="stepsPerEpoch"/> per epoch.</summary>
    public double LearningRateAt(int step, int stepsPerEpoch)
    {
        var rampSteps = Math.Min(5, Epochs) * stepsPerEpoch;
        if (rampSteps <= 1 || step >= rampSteps) return step >= rampSteps ? FinalLearningRate : LearningRate;
        return LearningRate + (FinalLearningRate - LearningRate) * step / (rampSteps - 1);
    }
}
