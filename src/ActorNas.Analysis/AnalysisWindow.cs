using System.Globalization;

namespace ActorNas.Analysis;

/// <summary>
/// Which candidates an analysis covers (`actornas analyze --from-seq N --since TIME`): those whose proposal is event
/// <see cref="FromSequenceNr"/> or later and was made at <see cref="Since"/> or later. The log is still folded from its
/// first event, so the search's state (the population and its median) is exact; only the recording starts later.
/// </summary>
public sealed record AnalysisWindow(long FromSequenceNr = 1, DateTimeOffset? Since = null)
{
    public static AnalysisWindow Whole { get; } = new();

    public bool IsWhole => FromSequenceNr <= 1 && Since is null;

    public bool Contains(long sequenceNr, DateTimeOffset proposedAt) => sequenceNr >= FromSequenceNr && (Since is not { } since || proposedAt >= since);

    /// <summary>For the report: which proposals the analysis covers.</summary>
    public string Describe() => (FromSequenceNr > 1, Since) switch
    {
        (true, { } since) => string.Create(CultureInfo.InvariantCulture, $"candidates proposed at event {FromSequenceNr} or later and at {since:O} or later"),
        (true, null) => string.Create(CultureInfo.InvariantCulture, $"candidates proposed at event {FromSequenceNr} or later"),
        (false, { } since) => string.Create(CultureInfo.InvariantCulture, $"candidates proposed at {since:O} or later"),
        _ => "every candidate",
    };
}
