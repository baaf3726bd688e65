using ActorNas.Actors.Runtime;
using System.Text.Json;
using ActorNas.Actors.Cluster;
using ActorNas.Actors.Configuration;
using ActorNas.Actors.Protocol;
using ActorNas.Cli.Output;
using Akka.Actor;

namespace ActorNas.Cli.Running;

/// <summary>
/// `actornas status --join HOST:PORT`: joins the cluster for a moment as an `observer` member (non-members are
/// refused), asks the Population for its slots, and prints every member with its slots and what each is evaluating.
/// </summary>
internal static class ClusterStatusReader
{
    public const string ObserverRole = "observer";

    public static async Task<int> RunAsync(string clusterText, bool json, CancellationToken cancel)
    {
        var (cluster, own) = SettingsSources.Cluster(clusterText);
        var system = ActorNasSystem.CreateWithoutLog(own, cluster.AkkaConfig(ObserverRole, own));
        try
        {
            await ClusterNode.WaitUntilUpAsync(system, cluster.SeedNodes, cluster.JoinTimeout, cancel).ConfigureAwait(false);
            var proxy = ClusterNode.PopulationProxy(system);
            ClusterView? view = null;
            var deadline = DateTime.UtcNow + cluster.JoinTimeout;
            while (view is null)
            {
                try { view = await proxy.Ask<ClusterView>(GetClusterView.Instance, TimeSpan.FromSeconds(3), cancel).ConfigureAwait(false); }
                catch (AskTimeoutException) when (DateTime.UtcNow < deadline) { }
                catch (AskTimeoutException) { throw new ClusterJoinException("joined the cluster, but no Population answered"); }
            }
            var setup = await ClusterNode.AskSetupAsync(system, proxy, cluster.JoinTimeout, cancel).ConfigureAwait(false);
            var space = SettingsSources.Read(setup.Settings, "the recorded settings").Search.Space.Create();
            var self = Akka.Cluster.Cluster.Get(system).SelfAddress;
            var members = Akka.Cluster.Cluster.Get(system).State.Members.Where(m => m.Address != self).Select(m =>
            {
                var id = NodeAddress.IdOf(m.Address);
                var slots = view.Slots.Where(s => s.Node == id).ToList();
                return new MemberJson(id, m.Roles.Order(StringComparer.Ordinal).ToList(), m.Status.ToString().ToLowerInvariant(), slots.Count,
                    slots.Select(s => new SlotJson(s.Worker, s.CandidateId)).ToList());
            }).ToList();

            foreach (var m in members)
            {
                var busy = m.Evaluating.Where(s => s.CandidateId is not null).ToList();
                var what = busy.Count == 0 ? ""
                    : ": " + string.Join(" ", busy.Take(12).Select(s => FormattableString.Invariant($"{s.Worker[(m.Node.Length + 1)..]}={s.CandidateId}")))
                      + (busy.Count > 12 ? " ..." : "");
                Console.WriteLine(FormattableString.Invariant(
                    $"{m.Node,-22} {string.Join(",", m.Roles),-11} {m.Status,-8} slots {m.Slots,4}, evaluating {busy.Count,4}") + what);
            }
            Summary.Print(view.Status, json: false, space);
            if (json)
                Console.WriteLine(JsonSerializer.Serialize(new ClusterStatusJson(Summary.ToJson(view.Status, space), members), ClusterJson.Relaxed.ClusterStatusJson));
            return ExitCodes.Ok;
        }
        finally
        {
            await ClusterNode.LeaveAsync(system).ConfigureAwait(false);
        }
    }
}

internal sealed record SlotJson(string Worker, long? CandidateId);

internal sealed record MemberJson(string Node, List<string> Roles, string Status, int Slots, List<SlotJson> Evaluating);

internal sealed record ClusterStatusJson(SearchSummaryJson Search, List<MemberJson> Members);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(ClusterStatusJson))]
internal sealed partial class ClusterJson : System.Text.Json.Serialization.JsonSerializerContext
{
    /// <summary>Writes '+' and '|' of genotype strings as themselves, as the other --json outputs do.</summary>
    public static ClusterJson Relaxed { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
