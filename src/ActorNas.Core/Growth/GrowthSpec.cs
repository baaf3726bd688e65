namespace ActorNas.Core.Growth;

/// <summary>
/// How a SpiderNet search grows its network between rounds (HOCON <c>actornas.search.growth</c>); recorded in SearchStarted
/// so a resume grows the same way. The sizes are those of the split scoring (docs/spidernet.md).
/// </summary>
/// <param name="Rule">metrics (SpiderNet) or random (the control: one edge per cell drawn uniformly).</param>
/// <param name="MemoryBudgetMb">A split is made only if the network after it is estimated to train within this many MB at
/// the training batch size (the analytic estimate on the CPU); 0: no memory gate.</param>
/// <param name="Reinitialisations">Initialisations each candidate edge's metrics are averaged over.</param>
/// <param name="NtkImages">Training images the NTK condition number is taken over.</param>
/// <param name="Crops">3 x 3 crops of training images the linear regions are counted over.</param>
public sealed record GrowthSpec(GrowthRule Rule = GrowthRule.Metrics, int MemoryBudgetMb = 0, int Reinitialisations = 3, int NtkImages = 64,
    int Crops = 1000)
{
    /// <summary>Throws naming the key (under actornas.search.growth) and its range.</summary>
    public void Validate()
    {
        if (MemoryBudgetMb < 0) throw new ArgumentException($"search.growth.memory-budget-mb must be >= 0 (0: no memory gate), got {MemoryBudgetMb}");
        if (Reinitialisations < 1) throw new ArgumentException($"search.growth.reinitialisations must be >= 1, got {Reinitialisations}");
        // kappa is taken orthogonal to the ones vector, which needs 3 samples
        if (NtkImages < 3) throw new ArgumentException($"search.growth.ntk-images must be >= 3, got {NtkImages}");
        if (Crops < 2) throw new ArgumentException($"search.growth.crops must be >= 2, got {Crops}");
    }
}
