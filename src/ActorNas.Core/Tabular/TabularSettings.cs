namespace ActorNas.Core.Tabular;

/// <summary>Settings of the tabular evaluator (HOCON <c>actornas.evaluator.tabular</c>).</summary>
/// <param name="TimeScale">Real seconds slept per simulated second; 0 answers at once (the duration is still recorded).</param>
public sealed record TabularSettings(Nb201Dataset Dataset = Nb201Dataset.Cifar10, double TimeScale = 0, DurationModel? Duration = null)
{
    public DurationModel DurationModel => Duration ?? new DurationModel();

    public void Validate()
    {
        if (!(TimeScale >= 0) || double.IsInfinity(TimeScale))
            throw new ArgumentException($"tabular time-scale must be a number >= 0 (real seconds per simulated second), got {TimeScale}");
        DurationModel.Validate();
    }
}
