using System.Globalization;
using ActorNas.Core.Events;

namespace ActorNas.Integration.Tests.Cluster;

/// <summary>
/// The command evaluator on cluster worker nodes: each worker keeps its candidates' checkpoints under its own root
/// (actornas-checkpoints/HOST_PORT in its working directory when nothing is configured), and a child evaluated on one
/// worker gets its parent's checkpoint pulled from the worker that evaluated the parent. The script refuses to run when
/// the parent's checkpoint it is handed is not that parent's.
/// </summary>
public sealed class ClusterCheckpointTests(ITestOutputHelper output)
{
    private const string Script = """
        set -e
        echo "weights of $ACTORNAS_CANDIDATE_ID" > "$ACTORNAS_CHECKPOINT_DIR/weights.txt"
        got=0
        if [ -n "$ACTORNAS_PARENT_CHECKPOINT" ]; then
          if [ "$(cat "$ACTORNAS_PARENT_CHECKPOINT/weights.txt")" != "weights of $ACTORNAS_PARENT_ID" ]; then
            echo "the parent's checkpoint is not candidate $ACTORNAS_PARENT_ID's" >&2; exit 1
          fi
          got=1
        fi
        sleep 0.1
        IFS=, read -r -a p <<< "$ACTORNAS_POSITIONS"
        echo "{\"objective\": $(( p[0] + p[1] + p[2] + p[3] + p[4] + p[5] )), \"metrics\": {\"gotParent\": $got}}"
        """;

    [SkippableFact]
    public async Task Workers_keep_their_own_checkpoints_and_children_get_their_parents_from_the_other_worker()
    {
        Skip.If(ClusterTestKit.ServerConnectionString is null, ClusterTestKit.SkipReason);
        await using var kit = await ClusterTestKit.CreateAsync();
        const int budget = 60;
        var script = kit.Dir.Write("train.sh", Script.ReplaceLineEndings("\n"));
        var config = kit.WriteConfig("command.hocon", meanMs: 0, $$"""
            actornas.evaluator.command { command = ["bash", "{{script}}"], gpus = none }
            akka.cluster.role.evaluator.min-nr-of-members = 2
            """);
        var (events, w1, w2) = await kit.RunSeedAndTwoWorkersAsync(output, "checkpoints", config, budget, randomSeed: 9,
            "--space", "nb201", "--evaluator", "command");
        Assert.Empty(events.OfType<CandidateFailed>());   // no script found a wrong parent checkpoint
        var evaluated = events.OfType<CandidateEvaluated>().ToList();
        var perNode = evaluated.GroupBy(v => v.Node).ToDictionary(g => g.Key, g => g.Select(v => v.Id).ToList());
        Assert.Equal(new[] { $"127.0.0.1:{w1}", $"127.0.0.1:{w2}" }.Order(StringComparer.Ordinal), perNode.Keys.Order(StringComparer.Ordinal));

        // each worker's candidates wrote under that worker's own root
        foreach (var (node, ids) in perNode)
        {
            var root = Path.Combine(kit.Dir.Path, "actornas-checkpoints", node.Replace(':', '_'), "checkpoints");
            Assert.All(ids, id => Assert.Equal($"weights of {id}",
                File.ReadAllText(Path.Combine(root, id.ToString(CultureInfo.InvariantCulture), "weights.txt")).Trim()));
        }

        double Metric(CandidateEvaluated v, string name) => v.Metrics is { } m && m.TryGetValue(name, out var x) ? x : 0;
        var nodeOf = evaluated.ToDictionary(v => v.Id, v => v.Node);
        var parentOf = events.OfType<CandidateProposed>().ToDictionary(p => p.Id, p => p.ParentId);
        var children = evaluated.Where(v => parentOf[v.Id] is not null).ToList();
        var crossNode = children.Where(v => nodeOf.TryGetValue(parentOf[v.Id]!.Value, out var pn) && pn != v.Node).ToList();
        output.WriteLine($"{children.Count} children, {crossNode.Count} of a parent on the other worker; remote hits " +
                         $"{crossNode.Sum(v => Metric(v, "cacheRemoteHits"))}, bytes {crossNode.Sum(v => Metric(v, "cacheBytesFetched"))}; " +
                         $"{children.Count(v => Metric(v, "gotParent") == 1)} got their parent's checkpoint");
        Assert.NotEmpty(crossNode);
        Assert.Contains(crossNode, v => Metric(v, "cacheRemoteHits") == 1 && Metric(v, "gotParent") == 1 && Metric(v, "cacheBytesFetched") > 0);
        // a child gets a checkpoint exactly when the cache says it found one; a remote hit only for a parent on the other worker
        Assert.All(children, v =>
        {
            Assert.Equal(1, Metric(v, "cacheLayersRequested"));
            Assert.Equal(Metric(v, "gotParent"), Metric(v, "cacheLocalHits") + Metric(v, "cacheRemoteHits"));
            if (Metric(v, "cacheRemoteHits") > 0) Assert.Contains(v, crossNode);
        });
        // children of a parent on their own worker find it there
        Assert.All(children.Except(crossNode).Where(v => nodeOf.ContainsKey(parentOf[v.Id]!.Value)), v => Assert.Equal(1, Metric(v, "cacheLocalHits")));

        // status folds the checkpoint fetches per node like the layers' (the cache lines)
        var status = await ActorNasProcess.RunAsync(kit.Dir.Path, "status", "--config", config, "--search-id", "checkpoints");
        Assert.True(status.ExitCode == 0, status.ToString());
        output.WriteLine(status.Stdout);
        Assert.Contains($"weight cache on 127.0.0.1:{w1}: hit ratio", status.Stdout, StringComparison.Ordinal);
        Assert.Contains($"weight cache on 127.0.0.1:{w2}: hit ratio", status.Stdout, StringComparison.Ordinal);
    }
}
