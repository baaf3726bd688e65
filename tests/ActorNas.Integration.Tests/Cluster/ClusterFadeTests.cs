using ActorNas.Core.Events;

namespace ActorNas.Integration.Tests.Cluster;

/// <summary>
/// A FaDE search on a real cluster: the population node only draws the steps and ranks them; each step's region
/// supernet trains (TorchSharp, synthetic images) on the worker slot that takes the step's child, so the regions cross
/// the wire both ways and both workers train some.
/// </summary>
public sealed class ClusterFadeTests(ITestOutputHelper output)
{
    private const string Trained = ": trained the FaDE region of candidate ";

    [SkippableFact]
    public async Task The_regions_train_on_the_workers_slots_not_on_the_population_node()
    {
        Skip.If(ClusterTestKit.ServerConnectionString is null, ClusterTestKit.SkipReason);
        await using var kit = await ClusterTestKit.CreateAsync();
        const int budget = 10;
        var config = kit.WriteConfig("fade.hocon", meanMs: 100, """
            actornas.evaluator.train { dataset = synthetic, train-images = 256, validation-images = 64 }
            actornas.search.fade { neighbours = 4, epochs = 1, batch-size = 64 }
            akka.cluster.role.evaluator.min-nr-of-members = 2
            """);
        var (events, w1, w2) = await kit.RunSeedAndTwoWorkersAsync(output, "fade", config, budget, randomSeed: 5,
            "--space", "hierarchical", "--strategy", "fade", "--evaluator", "synthetic");

        // every step (a proposal with a parent) recorded its region and the weights trained for it
        var steps = events.OfType<CandidateProposed>().Where(p => p.ParentId is not null).ToList();
        // each of the two slots may start from a random centre of its own before the first result
        Assert.True(steps.Count >= budget - 2, $"{steps.Count} steps for a budget of {budget}");
        Assert.All(steps, p => Assert.True(p.Screened is { Region: not null, Weights: not null }, $"candidate {p.Id} has no region"));
        var recovered = events.OfType<CandidateProposed>().Count(p => p.ParentId is not null && p.Screened is null);
        Assert.Equal(0, recovered);

        int TrainedIn(string node) => File.ReadLines(kit.LogFile(node)).Count(l => l.Contains(Trained, StringComparison.Ordinal));
        var (onSeed, onW1, onW2) = (TrainedIn("seed"), TrainedIn("w1"), TrainedIn("w2"));
        output.WriteLine($"regions trained: seed {onSeed}, worker 127.0.0.1:{w1} {onW1}, worker 127.0.0.1:{w2} {onW2}");
        Assert.Equal(0, onSeed);
        Assert.True(onW1 + onW2 >= steps.Count, $"{onW1 + onW2} regions trained on the workers for {steps.Count} steps");
        Assert.True(onW1 > 0 && onW2 > 0, $"both workers should train regions: {onW1} and {onW2}");
    }
}
