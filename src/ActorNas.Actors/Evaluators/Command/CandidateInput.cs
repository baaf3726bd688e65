using System.Globalization;
using System.Text.Json;
using ActorNas.Core.Evaluation;

namespace ActorNas.Actors.Evaluators.Command;

/// <summary>
/// What a command learns of its candidate: the same facts as environment variables and as one JSON object on stdin
/// (names in docs/command-evaluator.md).
/// </summary>
public sealed record CandidateInput(
    string SearchId, long CandidateId, int Attempt, string Genotype, IReadOnlyList<int> Positions, string Space, long? ParentId,
    long Seed, long SearchSeed, int Slot, string Worker, string Node, string CheckpointDir, string VisibleDevices)
{
    /// <summary>The parent's checkpoint folder when it exists on this node and holds something; null otherwise.</summary>
    public string? ParentCheckpointDir { get; init; }

    public static CandidateInput Of(Candidate candidate, EvaluationContext context, string checkpointDir, string visibleDevices,
        string? parentCheckpointDir = null) =>
        new(context.SearchId, candidate.Id, candidate.Attempt, context.Space.Format(candidate.Genotype), candidate.Genotype.ToArray(),
            context.Space.Name, candidate.ParentId, CandidateSeed(context.Seed, candidate.Id), context.Seed, context.Slot, context.Worker,
            context.Node, checkpointDir, visibleDevices) { ParentCheckpointDir = parentCheckpointDir };

    /// <summary>The candidate's own seed, as the naswot evaluator derives it: the search's seed XOR the candidate id.</summary>
    public static long CandidateSeed(long searchSeed, long candidateId) => searchSeed ^ candidateId;

    public IReadOnlyDictionary<string, string> EnvironmentVariables() => new Dictionary<string, string>
    {
        ["ACTORNAS_SEARCH_ID"] = SearchId,
        ["ACTORNAS_CANDIDATE_ID"] = Text(CandidateId),
        ["ACTORNAS_ATTEMPT"] = Text(Attempt),
        ["ACTORNAS_GENOTYPE"] = Genotype,
        ["ACTORNAS_POSITIONS"] = string.Join(',', Positions),
        ["ACTORNAS_SPACE"] = Space,
        ["ACTORNAS_PARENT_ID"] = ParentId is { } parent ? Text(parent) : "",
        ["ACTORNAS_SEED"] = Text(Seed),
        ["ACTORNAS_SEARCH_SEED"] = Text(SearchSeed),
        ["ACTORNAS_SLOT"] = Text(Slot),
        ["ACTORNAS_WORKER"] = Worker,
        ["ACTORNAS_NODE"] = Node,
        ["ACTORNAS_CHECKPOINT_DIR"] = CheckpointDir,
        ["ACTORNAS_PARENT_CHECKPOINT"] = ParentCheckpointDir ?? "",
        ["CUDA_VISIBLE_DEVICES"] = VisibleDevices,
    };

    /// <summary>The stdin object, one line.</summary>
    public string Json()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("searchId", SearchId);
            json.WriteNumber("candidateId", CandidateId);
            json.WriteNumber("attempt", Attempt);
            json.WriteString("genotype", Genotype);
            json.WriteStartArray("positions");
            foreach (var p in Positions) json.WriteNumberValue(p);
            json.WriteEndArray();
            json.WriteString("space", Space);
            if (ParentId is { } parent) json.WriteNumber("parentId", parent);
            else json.WriteNull("parentId");
            json.WriteNumber("seed", Seed);
            json.WriteNumber("searchSeed", SearchSeed);
            json.WriteNumber("slot", Slot);
            json.WriteString("worker", Worker);
            json.WriteString("node", Node);
            json.WriteString("checkpointDir", CheckpointDir);
            if (ParentCheckpointDir is { } parentDir) json.WriteString("parentCheckpoint", parentDir);
            else json.WriteNull("parentCheckpoint");
            json.WriteString("cudaVisibleDevices", VisibleDevices);
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
