using ActorNas.Core.Growth;
using ActorNas.Core.Spaces.SpiderNet;
using ActorNas.Core.Spaces;

namespace ActorNas.Core.Evolution;

public enum SchedulingMode
{
    /// <summary>A free worker gets the next candidate at once (asynchronous evolution).</summary>
    Continuous,
    /// <summary>Propose a batch of B candidates, wait until all B are done, then the next batch.</summary>
    Batch,
}

/// <summary>Everything that defines a search; recorded in <see cref="Events.SearchStarted"/>.</summary>
/// <remarks>
/// The defaults are hocon/actornas.conf's (actornas.search), for code that builds a config without the settings
/// reader, such as tests and <c>SimulatedSearch</c>; ActorNas.Actors.Tests' DefaultsTests keeps them equal (all but
/// <see cref="BatchSize"/>).
/// </remarks>
public sealed record SearchSettings
{
    public required SearchSpaceSpec Space { get; init; }
    /// <summary>P: members kept in the population; the oldest retires when a result would exceed it.</summary>
    public int PopulationSize { get; init; } = 100;
    /// <summary>S: members drawn (without replacement) for each tournament.</summary>
    public int SampleSize { get; init; } = 25;
    /// <summary>Number of successful evaluations after which the search completes.</summary>
    public int Budget { get; init; } = 1000;
    public SchedulingMode Mode { get; init; } = SchedulingMode.Continuous;
    /// <summary>B in batch mode.</summary>
    /// <remarks>
    /// The one default that differs from actornas.conf, on purpose: its batch-size = 0 means "the evaluator workers",
    /// which the settings reader resolves (4 by default); a config built here has no workers to follow, and
    /// SearchSettingsTests pins this 8.
    /// </remarks>
    public int BatchSize { get; init; } = 8;
    /// <summary>Attempts per candidate before its failure is final.</summary>
    public int MaxAttempts { get; init; } = 3;
    /// <summary>The search stops after this many final failures: an evaluator that always fails must not loop forever.</summary>
    public int MaxFailures { get; init; } = 1000;
    public long Seed { get; init; } = 1;
    public PositionWeighting Mutation { get; init; } = PositionWeighting.Uniform;
    /// <summary>Hybrid evolution: rank several mutants of the parent with a proxy, evaluate the best. Off by default.</summary>
    /// <remarks>A log written before screening existed has no such field; it reads as off (the JSON source generator
    /// would otherwise leave null, not the initializer's value).</remarks>
    public Screening Screening { get => field ?? Screening.Off; init; } = Screening.Off;
    /// <summary>How a spidernet search grows its network (null for every other space).</summary>
    public GrowthSpec? Growth { get; init; }
    /// <summary>Evaluator name, for the record and for resume.</summary>
    public string Evaluator { get; init; } = "tabular";
    /// <summary>The settings (HOCON text) the search started with, without node-local secrets; a resume reads them back.</summary>
    public string Settings { get; init; } = "";

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting and its allowed range.</summary>
    public void Validate()
    {
        Require(PopulationSize >= 1, $"population size must be >= 1, got {PopulationSize}");
        Require(SampleSize >= 1 && SampleSize <= PopulationSize,
            $"sample size must be between 1 and the population size ({PopulationSize}), got {SampleSize}");
        Require(Budget >= 1, $"budget must be >= 1 evaluation, got {Budget}");
        Require(BatchSize >= 1, $"batch size must be >= 1, got {BatchSize}");
        Require(MaxAttempts >= 1, $"max attempts must be >= 1, got {MaxAttempts}");
        Require(MaxFailures >= 1, $"max failures must be >= 1, got {MaxFailures}");
        Require(!string.IsNullOrWhiteSpace(Evaluator), "evaluator name must not be empty");
        Mutation.Validate();
        Space.Create();
        Screening.Validate(Space);
        if (Space.Name == SpiderNetSpace.SpaceName) ValidateSpiderNet();
    }

    /// <summary>
    /// SpiderNet's shape, the one rule both the settings reader (which sets it) and <see cref="Validate"/> (which checks
    /// it) follow: one network is grown, so one member (the network as the last round left it), each child its growth,
    /// one round at a time (a batch of one, so the next growth starts from the round before it).
    /// </summary>
    public SearchSettings WithOneNetwork() => this with { PopulationSize = 1, SampleSize = 1, Mode = SchedulingMode.Batch, BatchSize = 1 };

    private void ValidateSpiderNet()
    {
        // records compare by value: equal exactly when the four settings already are the one network's
        Require(Equals(WithOneNetwork()),
            $"the spidernet space grows one network a round at a time: population size 1, sample size 1, batch mode with batch size 1 " +
            $"(got population {PopulationSize}, sample {SampleSize}, {Mode.ToString().ToLowerInvariant()} mode, batch size {BatchSize}); " +
            "the actornas configuration sets them for --space spidernet");
        Require(!Screening.IsOn, "the spidernet space grows by its own metrics (search.growth); turn screening off");
        Require(Growth is not null, "a spidernet search needs its growth settings (search.growth)");
        Growth!.Validate();
    }

    private static void Require(bool ok, string message)
    {
        if (!ok) throw new ArgumentException(message);
    }
}
