using ActorNas.Actors.Evaluators;
using ActorNas.Core.Evaluation;

namespace ActorNas.Actors.Runtime;

/// <summary>Whether a start may create the search, continue it, or either.</summary>
public enum StartMode
{
    /// <summary>A new search; one that exists already is an error that names the resume command.</summary>
    New,
    /// <summary>An existing search, with the settings recorded with it; a missing one is an error.</summary>
    Resume,
    /// <summary>Continue the search when its log exists, start it otherwise (a host, a population node).</summary>
    NewOrResume,
}

/// <summary>What to start or resume, and with which of this process's settings.</summary>
/// <param name="LocalText">This process's settings text (flags, --config, host options): a new search's settings, recorded
/// with it; for a recorded search, the layer over what it recorded (a table path, a data folder of this machine).</param>
public sealed record StartRequest(string SearchId, StartMode Mode, string LocalText)
{
    /// <summary>Where the log is, as messages name it (the --db file).</summary>
    public string Where { get; init; } = "the log";

    /// <summary>The command that continues the search, for the message a second start of it gets.</summary>
    public string? ResumeCommand { get; init; }

    /// <summary>Evaluators prepared before the log was opened (a new search checks its table or dataset first).</summary>
    public EvaluatorSetup? Evaluators { get; init; }

    /// <summary>The embedding API's evaluator for every slot, instead of the registry's.</summary>
    public Func<int, IEvaluator>? EvaluatorFactory { get; init; }

    /// <summary>Slots this process evaluates with; null for actornas.evaluator.workers.</summary>
    public int? LocalSlots { get; init; }
}
