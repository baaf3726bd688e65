namespace ActorNas.Core.Growth;

/// <summary>How the split of a cell is chosen: by the train-free metrics (SpiderNet) or uniformly at random (the control).</summary>
public enum GrowthRule
{
    Metrics,
    Random,
}
