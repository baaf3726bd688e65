using ActorNas.Core.Events;
using ActorNas.Tests.Shared;

namespace ActorNas.Integration.Tests;

/// <summary>
/// The fade strategy through the real process: each step trains a real region supernet (TorchSharp, on synthetic images
/// so no dataset is needed) and moves the centre to the best-ranked neighbour. A search killed with kill -9 during its
/// steps and resumed proposes the same centres, regions and weights as one that ran through.
/// </summary>
public sealed class FadeCliTests(ITestOutputHelper output)
{
    private const int Budget = 6;

    private static string Config(TempDirectory dir) => dir.Write("fade.hocon",
        Cli.SyntheticConfig(meanMs: 200, sigma: 0.2) +
        "actornas.evaluator.train { dataset = synthetic, train-images = 256, validation-images = 64 }\n" +
        "actornas.search.fade { neighbours = 6, epochs = 1, batch-size = 64 }\n");

    private static string[] RunArgs(string db, string config) =>
        Cli.RunArgs(db, "fade", Budget, seed: 5, "--space", "hierarchical", "--strategy", "fade", "--workers", "1", "--config", config, "--json");

    [Fact]
    public async Task A_fade_search_killed_and_resumed_proposes_the_same_centres_as_one_that_ran_through()
    {
        using var dir = new TempDirectory();
        var config = Config(dir);

        var through = dir.File("through.db");
        await Cli.RunThroughAsync(dir, RunArgs(through, config), Budget);
        // every step's region trained on the evaluator slot that took the step's child, not on the Population's node
        var trainedOnSlot = File.ReadLines(Path.Combine(dir.Path, "actornas.log")).Count(l => l.Contains("/slot-0: trained the FaDE region of candidate"));
        Assert.True(trainedOnSlot >= Budget - 1, $"{trainedOnSlot} regions trained on slot 0 for {Budget - 1} steps");

        var crashed = dir.File("crashed.db");
        // killed with two centres evaluated: the third step's region supernet is training or about to
        var atKill = await Cli.KillAndResumeAsync(dir, RunArgs(crashed, config), crashed, "fade", evaluated: 2, Budget);
        output.WriteLine($"killed with {atKill} of {Budget} evaluated");

        var expected = await Proposals(through);
        var actual = await Proposals(crashed);
        // the warm-up's random centre, then one FaDE step per centre evaluated (the last may be cancelled at the budget)
        Assert.True(expected.Count >= Budget, $"only {expected.Count} proposals");
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var (e, a) = (expected[i], actual[i]);
            Assert.Equal((e.Id, e.ParentId, e.Genotype), (a.Id, a.ParentId, a.Genotype));
            if (e.ParentId is null)
            {
                Assert.Null(e.Screened);
                continue;
            }
            var (es, as_) = (e.Screened!, a.Screened!);
            output.WriteLine($"candidate {e.Id}: region of {string.Join(" x ", es.Region!.Select(r => r.Count))}, chose neighbour {es.Chosen} of {es.Scores.Count}");
            Assert.Equal(es.Mutants, as_.Mutants);
            Assert.Equal(es.Region!.Select(r => r.ToArray()), as_.Region!.Select(r => r.ToArray()));
            // the same supernet, trained from the same seed on the same data: the same weights, bit for bit
            Assert.Equal(es.Weights!.Select(w => w.ToArray()), as_.Weights!.Select(w => w.ToArray()));
            Assert.Equal(es.Scores, as_.Scores);
            Assert.Equal(es.Chosen, as_.Chosen);
            Assert.Equal(es.Scores.Max(), es.Scores[es.Chosen]);
            // a centre's child is its neighbour, and the centre is the last one evaluated (one member, no memory)
            Assert.Equal(1, Enumerable.Range(0, e.Genotype.Count).Count(s => e.Genotype[s] != expected.Single(p => p.Id == e.ParentId).Genotype[s]));
        }
    }

    private static async Task<List<CandidateProposed>> Proposals(string db) =>
        [.. (await LogReading.FromSqliteAsync(db, "fade")).OfType<CandidateProposed>().OrderBy(p => p.Id)];
}
