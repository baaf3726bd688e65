using System.Text.Json;
using System.Text.Json.Serialization;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;

namespace ActorNas.Core.Events;

/// <summary>
/// The log's schema: every event and the snapshot is JSON under a fixed, versioned manifest
/// ("candidate-proposed.v1"). No .NET type name is ever written or read, so renaming or moving a class
/// does not break old logs; a schema change adds a new manifest and keeps the reader of the old one.
/// The field-by-field schema is documented in docs/events.md.
/// </summary>
public static class EventSerializer
{
    public const int SchemaVersion = 1;

    private static readonly Dictionary<Type, string> ManifestByType = new()
    {
        [typeof(SearchStarted)] = "search-started.v1",
        [typeof(CandidateProposed)] = "candidate-proposed.v1",
        [typeof(CandidateStarted)] = "candidate-started.v1",
        [typeof(CandidateEvaluated)] = "candidate-evaluated.v1",
        [typeof(CandidateFailed)] = "candidate-failed.v1",
        [typeof(CandidateReleased)] = "candidate-released.v1",
        [typeof(CandidateRetired)] = "candidate-retired.v1",
        [typeof(CandidateCancelled)] = "candidate-cancelled.v1",
        [typeof(SearchCompleted)] = "search-completed.v1",
        [typeof(SearchPaused)] = "search-paused.v1",
        [typeof(SearchResumed)] = "search-resumed.v1",
        [typeof(SearchSnapshot)] = "search-snapshot.v1",
    };

    /// <summary>
    /// A result with a revised genotype: a reader that ignored the field would fold the wrong member, so it has a
    /// manifest of its own, which older versions refuse as "written by a newer ActorNas". Every other result stays v1.
    /// </summary>
    public const string RevisedEvaluation = "candidate-evaluated.v2";

    private static readonly Dictionary<string, Type> TypeByManifest = new(ManifestByType.ToDictionary(kv => kv.Value, kv => kv.Key))
    {
        [RevisedEvaluation] = typeof(CandidateEvaluated),
    };

    public static IReadOnlyCollection<string> Manifests => TypeByManifest.Keys;
    public static IReadOnlyCollection<Type> Types => ManifestByType.Keys;

    public static bool Handles(Type type) => ManifestByType.ContainsKey(type);

    public static string ManifestOf(object value) =>
        value is CandidateEvaluated { Revised: not null } ? RevisedEvaluation
        : ManifestByType.TryGetValue(value.GetType(), out var manifest)
            ? manifest
            : throw new ArgumentException($"{value.GetType().Name} is not part of the ActorNas log schema");

    public static byte[] ToBytes(object value)
    {
        ManifestOf(value);
        return JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), LogJsonContext.Default);
    }

    public static object FromBytes(ReadOnlySpan<byte> bytes, string manifest)
    {
        if (!TypeByManifest.TryGetValue(manifest, out var type))
            throw new JsonException($"unknown log entry type \"{manifest}\": it was written by a newer ActorNas, or the log is not an ActorNas log");
        return JsonSerializer.Deserialize(bytes, type, LogJsonContext.Default)
               ?? throw new JsonException($"empty {manifest} entry in the log");
    }
}

/// <summary>Genotypes are plain integer arrays in the log.</summary>
public sealed class GenotypeJsonConverter : JsonConverter<Genotype>
{
    public override Genotype Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("a genotype must be a JSON array of integers");
        var values = new List<int>(16);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) values.Add(reader.GetInt32());
        return new Genotype(values);
    }

    public override void Write(Utf8JsonWriter writer, Genotype value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var v in value) writer.WriteNumberValue(v);
        writer.WriteEndArray();
    }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    IgnoreReadOnlyProperties = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    UseStringEnumConverter = true,
    Converters = [typeof(GenotypeJsonConverter)])]
[JsonSerializable(typeof(SearchStarted))]
[JsonSerializable(typeof(CandidateProposed))]
[JsonSerializable(typeof(CandidateStarted))]
[JsonSerializable(typeof(CandidateEvaluated))]
[JsonSerializable(typeof(CandidateFailed))]
[JsonSerializable(typeof(CandidateReleased))]
[JsonSerializable(typeof(CandidateRetired))]
[JsonSerializable(typeof(CandidateCancelled))]
[JsonSerializable(typeof(SearchCompleted))]
[JsonSerializable(typeof(SearchPaused))]
[JsonSerializable(typeof(SearchResumed))]
[JsonSerializable(typeof(SearchSnapshot))]
[JsonSerializable(typeof(SearchSpaceSpec))]
internal sealed partial class LogJsonContext : JsonSerializerContext;
