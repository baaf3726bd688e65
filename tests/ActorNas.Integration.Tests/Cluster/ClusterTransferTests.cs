using ActorNas.Core.Events;

namespace ActorNas.Integration.Tests.Cluster;

/// <summary>
/// Weight transfer across a real cluster: TorchSharp training on two worker processes, where a child evaluated on one
/// node takes its parent's layers from the WeightCache of the node that trained the parent.
/// </summary>
public sealed class ClusterTransferTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Children_fetch_their_parents_layers_from_the_node_that_trained_them()
    {
        Skip.If(ClusterTestKit.ServerConnectionString is null, ClusterTestKit.SkipReason);
        await using var kit = await ClusterTestKit.CreateAsync();
        const int budget = 80;
        var config = kit.WriteConfig("train.hocon", meanMs: 0, """
            actornas.evaluator.train { dataset = synthetic, train-images = 2048, validation-images = 128, epochs = 1 }
            actornas.space.sequential { layers = 4, units = [8, 16], activations = [relu] }
            # no node is Up (and no worker evaluates) before both workers have joined: on a loaded machine one worker
            # joined only after the other had spent the budget (a CI run)
            akka.cluster.role.evaluator.min-nr-of-members = 2
            """);
        var (events, w1, _) = await kit.RunSeedAndTwoWorkersAsync(output, "transfer", config, budget, randomSeed: 5,
            "--space", "sequential", "--evaluator", "train");
        var evaluated = events.OfType<CandidateEvaluated>().ToList();
        // both workers took part
        var perNode = evaluated.GroupBy(v => v.Node).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine(string.Join(", ", perNode.Select(p => $"{p.Key}: {p.Value}")));
        Assert.True(perNode.Count == 2 && perNode.Values.All(n => n >= 10), "both workers should evaluate: " +
            string.Join(", ", perNode.Select(p => $"{p.Key}: {p.Value}")));
        var nodeOf = evaluated.ToDictionary(v => v.Id, v => v.Node);
        var parentOf = events.OfType<CandidateProposed>().ToDictionary(p => p.Id, p => p.ParentId);
        double Metric(CandidateEvaluated v, string name) => v.Metrics is { } m && m.TryGetValue(name, out var x) ? x : 0;

        // children whose parent was trained on the other node: some of them got layers over the network
        var crossNode = evaluated.Where(v => parentOf[v.Id] is { } p && nodeOf.TryGetValue(p, out var pn) && pn != v.Node).ToList();
        output.WriteLine($"{crossNode.Count} children of a parent on the other node; remote hits " +
                         $"{crossNode.Sum(v => Metric(v, "cacheRemoteHits"))}, bytes {crossNode.Sum(v => Metric(v, "cacheBytesFetched"))}");
        Assert.NotEmpty(crossNode);
        Assert.Contains(crossNode, v => Metric(v, "cacheRemoteHits") > 0 && Metric(v, "cacheBytesFetched") > 0);
        // a remote hit only happens for a child whose parent lives elsewhere, and what was fetched was transferred
        Assert.All(evaluated.Where(v => Metric(v, "cacheRemoteHits") > 0), v =>
        {
            Assert.Contains(v, crossNode);
            Assert.True(v.TransferredLayers > 0, $"candidate {v.Id} fetched layers but transferred none");
        });

        // status reads the per-node cache lines back from the log
        var status = await ActorNasProcess.RunAsync(kit.Dir.Path, "status", "--config", config, "--search-id", "transfer");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains($"127.0.0.1:{w1}", status.Stdout, StringComparison.Ordinal);
    }
}
