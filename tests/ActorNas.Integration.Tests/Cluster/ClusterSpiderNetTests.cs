using ActorNas.Core.Events;

namespace ActorNas.Integration.Tests.Cluster;

/// <summary>
/// A SpiderNet search on a real cluster: the population node builds no networks; each child's growth (TorchSharp,
/// synthetic images) runs on the worker slot that takes the child, and the round trains there too.
/// </summary>
public sealed class ClusterSpiderNetTests(ITestOutputHelper output)
{
    private const string Grew = ": grew the network of candidate ";

    [SkippableFact]
    public async Task The_networks_grow_on_the_workers_slots_not_on_the_population_node()
    {
        Skip.If(ClusterTestKit.ServerConnectionString is null, ClusterTestKit.SkipReason);
        await using var kit = await ClusterTestKit.CreateAsync();
        kit.Shape = [];   // one network: the configuration sets population, sample and batch for --space spidernet
        const int budget = 4;
        var config = kit.WriteConfig("spidernet.hocon", meanMs: 100, """
            actornas.evaluator.train { dataset = synthetic, train-images = 256, validation-images = 64, epochs = 1, batch-size = 32 }
            actornas.space.spidernet { reduction-cells = 1, initial-channels = 4 }
            actornas.search.growth { reinitialisations = 1, ntk-images = 8, crops = 100 }
            akka.cluster.role.evaluator.min-nr-of-members = 2
            """);
        var (events, w1, w2) = await kit.RunSeedAndTwoWorkersAsync(output, "spider", config, budget, randomSeed: 3,
            "--space", "spidernet", "--evaluator", "train", "--growth", "random");

        // every child is a growth of the network the round before left (one split per cell here), none a fallback
        var children = events.OfType<CandidateProposed>().Where(p => p.ParentId is not null).ToList();
        Assert.Equal(budget - 1, children.Count);
        var evaluated = events.OfType<CandidateEvaluated>().ToDictionary(e => e.Id);
        Assert.All(children, c => Assert.NotEqual(evaluated[c.ParentId!.Value].Revised, c.Genotype));

        int GrewIn(string node) => File.ReadLines(kit.LogFile(node)).Count(l => l.Contains(Grew, StringComparison.Ordinal));
        var (onSeed, onW1, onW2) = (GrewIn("seed"), GrewIn("w1"), GrewIn("w2"));
        output.WriteLine($"growths: seed {onSeed}, worker 127.0.0.1:{w1} {onW1}, worker 127.0.0.1:{w2} {onW2}");
        Assert.Equal(0, onSeed);
        Assert.Equal(children.Count, onW1 + onW2);
    }
}
