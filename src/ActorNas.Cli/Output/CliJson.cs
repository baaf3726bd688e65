using System.Text.Json.Serialization;
using ActorNas.Cli.Running;

namespace ActorNas.Cli.Output;

/// <summary>The --json summary of run, resume and status.</summary>
internal sealed record SearchSummaryJson(
    string SearchId,
    int Evaluated,
    int Failed,
    int Budget,
    BestJson? Best,
    double ElapsedSeconds,
    bool Completed,
    string? CompletionReason,
    int Running,
    int Queued,
    bool Paused)
{
    /// <summary>Per node, the weight cache as the log's evaluations saw it (status only; absent without cache metrics).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<NodeCacheJson>? Cache { get; init; }

    /// <summary>The candidates that have run longest, oldest first (absent when nothing runs).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<RunningJson>? LongestRunning { get; init; }
}

internal sealed record RunningJson(long Id, string Worker, DateTimeOffset? StartedAt, double? AgeSeconds);

internal sealed record NodeCacheJson(
    string Node, int Evaluations, long LayersRequested, long LocalHits, long RemoteHits, double HitRatio, long BytesInCache, long Evictions,
    long BytesFetchedRemotely);

internal sealed record BestJson(long Id, string Genotype, double Objective)
{
    /// <summary>Tabular searches: the NAS-Bench-201 dataset searched, and the best cell's validation and test accuracy (percent) on it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Dataset { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ValidAccuracy { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? TestAccuracy { get; init; }
}

/// <summary>The --json summary of analyze.</summary>
internal sealed record AnalysisJson(string SearchId, int Candidates, int Evaluated, int Failed, bool Completed, long Events, long LastSequenceNr, string Out, List<string> Files);

/// <summary>The --json summary of repair.</summary>
/// <param name="FirstUnreadable">The sequence number of the event the copy stops before; null when every event read.</param>
/// <param name="Settled">A completion was added: the copy ends where the search had used its budget (or failure limit).</param>
internal sealed record RepairJson(string SearchId, string Out, int EventsCopied, long? FirstUnreadable, bool Settled);

/// <summary>The --json summary of backup.</summary>
internal sealed record BackupJson(string Db, string Out, string? SnapshotsOut, long Events);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SearchSummaryJson))]
[JsonSerializable(typeof(NodeCacheJson))]
[JsonSerializable(typeof(RunningJson))]
[JsonSerializable(typeof(List<SearchSummaryJson>))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(ErrorJson))]
[JsonSerializable(typeof(AnalysisJson))]
[JsonSerializable(typeof(RepairJson))]
[JsonSerializable(typeof(BackupJson))]
internal sealed partial class CliJson : JsonSerializerContext
{
    /// <summary>Writes '+' and '|' of genotype strings as themselves, not as \u escapes.</summary>
    public static CliJson Relaxed { get; } = new(new System.Text.Json.JsonSerializerOptions
    {
        PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
