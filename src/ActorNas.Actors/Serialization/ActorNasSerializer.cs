using System.Text.Json;
using System.Text.Json.Serialization;
using ActorNas.Actors.Protocol;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Events;
using Akka.Actor;
using Akka.Serialization;

namespace ActorNas.Actors.Serialization;

/// <summary>
/// The one serializer of ActorNas: events and snapshots go through the log schema of <see cref="EventSerializer"/>,
/// protocol messages through a fixed manifest table here. Bound in actornas-serialization (see
/// <see cref="ActorSystemConfig"/>); unknown manifests are refused, never resolved as type names.
/// </summary>
public sealed class ActorNasSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int Id = 4242;

    private static readonly Dictionary<Type, string> MessageManifests = new()
    {
        [typeof(RequestWork)] = "request-work.v1",
        [typeof(WorkAssigned)] = "work-assigned.v1",
        [typeof(WorkDone)] = "work-done.v1",
        [typeof(WorkFailed)] = "work-failed.v1",
        [typeof(SearchIsOver)] = "search-is-over.v1",
        [typeof(GetSearchStatus)] = "get-search-status.v1",
        [typeof(SearchStatus)] = "search-status.v1",
        [typeof(SearchEnded)] = "search-ended.v1",
        [typeof(SearchCannotRun)] = "search-cannot-run.v1",
        [typeof(MutateParent)] = "mutate-parent.v1",
        [typeof(Mutated)] = "mutated.v1",
        [typeof(MutationFailed)] = "mutation-failed.v1",
        [typeof(WeighRegion)] = "weigh-region.v1",
        [typeof(RegionWeighed)] = "region-weighed.v1",
        [typeof(RegionWeighingFailed)] = "region-weighing-failed.v1",
        [typeof(GrowNetwork)] = "grow-network.v1",
        [typeof(NetworkGrown)] = "network-grown.v1",
        [typeof(GrowingFailed)] = "growing-failed.v1",
        [typeof(PauseSearch)] = "pause-search.v1",
        [typeof(ResumeSearch)] = "resume-search.v1",
        [typeof(StopSearch)] = "stop-search.v1",
        [typeof(GetCacheStats)] = "get-cache-stats.v1",
        [typeof(WeightCacheStats)] = "weight-cache-stats.v1",
        [typeof(GetSearchSetup)] = "get-search-setup.v1",
        [typeof(SearchSetup)] = "search-setup.v1",
        [typeof(GetClusterView)] = "get-cluster-view.v1",
        [typeof(ClusterView)] = "cluster-view.v1",
        [typeof(LogUnavailable)] = "log-unavailable.v1",
        [typeof(LogAvailable)] = "log-available.v1",
    };

    private static readonly Dictionary<string, Type> MessageTypes = MessageManifests.ToDictionary(kv => kv.Value, kv => kv.Key);

    public static IReadOnlyCollection<Type> MessageTypesHandled => [.. MessageManifests.Keys, .. CacheWireFormat.Manifests.Keys];

    public override int Identifier => Id;

    public override string Manifest(object o) =>
        MessageManifests.TryGetValue(o.GetType(), out var manifest) ? manifest
        : CacheWireFormat.Manifests.TryGetValue(o.GetType(), out var binary) ? binary
        : EventSerializer.ManifestOf(o);

    public override byte[] ToBinary(object obj) =>
        MessageManifests.ContainsKey(obj.GetType())
            ? JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), ProtocolJsonContext.Default)
            : CacheWireFormat.Manifests.ContainsKey(obj.GetType()) ? CacheWireFormat.ToBytes(obj)
            : EventSerializer.ToBytes(obj);

    public override object FromBinary(byte[] bytes, string manifest) =>
        MessageTypes.TryGetValue(manifest, out var type)
            ? JsonSerializer.Deserialize(bytes, type, ProtocolJsonContext.Default)
              ?? throw new System.Runtime.Serialization.SerializationException($"empty {manifest} message")
            : CacheWireFormat.Types.ContainsKey(manifest) ? CacheWireFormat.FromBytes(bytes, manifest)
            : FromLog(bytes, manifest);

    /// <summary>An event or snapshot: a failure names its manifest, so that readers of the log can say which entry it is.</summary>
    private static object FromLog(byte[] bytes, string manifest)
    {
        try
        {
            return EventSerializer.FromBytes(bytes, manifest);
        }
        catch (Exception e)
        {
            throw new UnreadableEntryException(manifest, e);
        }
    }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    IgnoreReadOnlyProperties = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    UseStringEnumConverter = true,
    Converters = [typeof(GenotypeJsonConverter)])]
[JsonSerializable(typeof(RequestWork))]
[JsonSerializable(typeof(WorkAssigned))]
[JsonSerializable(typeof(WorkDone))]
[JsonSerializable(typeof(WorkFailed))]
[JsonSerializable(typeof(SearchIsOver))]
[JsonSerializable(typeof(GetSearchStatus))]
[JsonSerializable(typeof(SearchStatus))]
[JsonSerializable(typeof(SearchEnded))]
[JsonSerializable(typeof(SearchCannotRun))]
[JsonSerializable(typeof(MutateParent))]
[JsonSerializable(typeof(Mutated))]
[JsonSerializable(typeof(MutationFailed))]
[JsonSerializable(typeof(WeighRegion))]
[JsonSerializable(typeof(RegionWeighed))]
[JsonSerializable(typeof(RegionWeighingFailed))]
[JsonSerializable(typeof(GrowNetwork))]
[JsonSerializable(typeof(NetworkGrown))]
[JsonSerializable(typeof(GrowingFailed))]
[JsonSerializable(typeof(PauseSearch))]
[JsonSerializable(typeof(ResumeSearch))]
[JsonSerializable(typeof(StopSearch))]
[JsonSerializable(typeof(GetSearchSetup))]
[JsonSerializable(typeof(SearchSetup))]
[JsonSerializable(typeof(GetClusterView))]
[JsonSerializable(typeof(ClusterView))]
[JsonSerializable(typeof(Candidate))]
[JsonSerializable(typeof(GetCacheStats))]
[JsonSerializable(typeof(WeightCacheStats))]
[JsonSerializable(typeof(LogUnavailable))]
[JsonSerializable(typeof(LogAvailable))]
internal sealed partial class ProtocolJsonContext : JsonSerializerContext;
