using ActorNas.Core.Events;
using ActorNas.Core.Spaces.SpiderNet;
using ActorNas.Tests.Shared;

namespace ActorNas.Integration.Tests;

/// <summary>
/// A SpiderNet search through the real process: each candidate is a real training round (TorchSharp, on synthetic images
/// so no dataset is needed) whose pruning is recorded with its result, and each child is the growth of the network the
/// last round left. A search killed with kill -9 between rounds and resumed grows and prunes exactly the networks of one
/// that ran through. The random control grows here: on random images the linear-region count sees every crop as its own
/// region, so the metrics would rarely split (docs/spidernet.md), and the test is about the log, not the rule; the
/// metrics' growth through the same grower is SpiderNetEvaluatorTests'. Every growth runs on the evaluator slot that waits
/// for the child, as the round's training does.
/// </summary>
public sealed class SpiderNetCliTests(ITestOutputHelper output)
{
    private const int Budget = 4;

    private static string Config(TempDirectory dir) => dir.Write("spidernet.hocon",
        "actornas.evaluator.train { dataset = synthetic, train-images = 256, validation-images = 64, epochs = 1, batch-size = 32 }\n" +
        "actornas.space.spidernet { reduction-cells = 1, initial-channels = 4 }\n" +
        "actornas.search.growth { reinitialisations = 1, ntk-images = 8, crops = 100 }\n");

    private static string[] RunArgs(string db, string config) =>
    [
        "run", "--space", "spidernet", "--evaluator", "train", "--growth", "random", "--budget", $"{Budget}", "--seed", "3", "--workers", "1",
        "--db", db, "--search-id", "spider", "--config", config, "--json",
    ];

    [Fact]
    public async Task A_spidernet_search_killed_and_resumed_grows_and_prunes_the_same_networks_as_one_that_ran_through()
    {
        using var dir = new TempDirectory();
        var config = Config(dir);

        var through = dir.File("through.db");
        await Cli.RunThroughAsync(dir, RunArgs(through, config), Budget);
        // every growth ran on the evaluator slot that took the child, not on the Population's node
        var grownOnSlot = File.ReadLines(Path.Combine(dir.Path, "actornas.log")).Count(l => l.Contains("/slot-0: grew the network of candidate"));
        Assert.True(grownOnSlot == Budget - 1, $"{grownOnSlot} growths ran on slot 0 for {Budget - 1} children");

        var crashed = dir.File("crashed.db");
        var atKill = await Cli.KillAndResumeAsync(dir, RunArgs(crashed, config), crashed, "spider", evaluated: 2, Budget);
        output.WriteLine($"killed with {atKill} of {Budget} evaluated");

        var expected = await Rounds(through);
        var actual = await Rounds(crashed);
        Assert.Equal(Budget, expected.Count);
        Assert.Equal(expected.Select(r => (r.Proposed.Id, r.Proposed.ParentId, r.Proposed.Genotype, r.Evaluated.Revised, r.Evaluated.Objective)),
            actual.Select(r => (r.Proposed.Id, r.Proposed.ParentId, r.Proposed.Genotype, r.Evaluated.Revised, r.Evaluated.Objective)));

        var space = new SpiderNetSpace(new SpiderNetSpaceSettings(ReductionCells: 1, InitialChannels: 4));
        Assert.Equal(space.Origin, expected[0].Proposed.Genotype);
        for (var i = 0; i < expected.Count; i++)
        {
            var (proposed, evaluated) = expected[i];
            output.WriteLine($"round {i + 1}: {space.Format(proposed.Genotype)} -> pruned {evaluated.Metrics!["prunedOps"]} ops, accuracy {evaluated.Objective:F3}");
            Assert.Null(proposed.Mutation);
            Assert.NotNull(evaluated.Revised);
            if (i == 0) continue;
            // one network: each round grows from the network the round before it left (its pruned genotype), one split per cell
            Assert.Equal(expected[i - 1].Proposed.Id, proposed.ParentId);
            var before = space.Decode(expected[i - 1].Evaluated.Revised!);
            var after = space.Decode(proposed.Genotype);
            Assert.All(before.Zip(after), cells => Assert.Equal(cells.Item1.Nodes + 1, cells.Item2.Nodes));
        }

        // the analysis has a row per round, with the splits counted from what the round before left
        var analysed = await ActorNasProcess.RunAsync(dir.Path, TimeSpan.FromSeconds(120), "analyze", "--db", crashed, "--search-id", "spider",
            "--out", dir.File("analysis"));
        Assert.True(analysed.ExitCode == 0, analysed.ToString());
        var rows = File.ReadAllLines(Path.Combine(dir.File("analysis"), "spidernet-rounds.csv"));
        Assert.Equal(Budget + 1, rows.Length);
        Assert.All(rows.Skip(2), row => Assert.Equal("2", row.Split(',')[7]));   // one split in each of the 2 cells
        Assert.Contains("## SpiderNet rounds", File.ReadAllText(Path.Combine(dir.File("analysis"), "report.md")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("simulate --space spidernet --evaluator synthetic", "cannot run on a simulated clock")]
    [InlineData("run --space spidernet --evaluator synthetic --growth largest", "actornas.search.growth.rule = largest is not one of: metrics, random")]
    [InlineData("run --space spidernet --evaluator synthetic --strategy fade", "search.strategy = fade needs space.name = hierarchical, not spidernet")]
    [InlineData("run --space spidernet --evaluator synthetic --proxy surrogate --screen-mutants 4", "turn screening off")]
    public async Task Bad_spidernet_input_is_refused_with_the_fix_and_nothing_is_written(string command, string expected)
    {
        using var dir = new TempDirectory();
        var db = dir.File("s.db");
        var result = await ActorNasProcess.RunAsync(dir.Path, [.. command.Split(' '), "--budget", "2", "--db", db, "--search-id", "bad"]);
        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
        if (File.Exists(db)) Assert.DoesNotContain("bad", await Cli.ListAsync(dir, db));
    }

    private static async Task<List<(CandidateProposed Proposed, CandidateEvaluated Evaluated)>> Rounds(string db)
    {
        var log = await LogReading.FromSqliteAsync(db, "spider");
        var evaluated = log.OfType<CandidateEvaluated>().ToDictionary(e => e.Id);
        return [.. log.OfType<CandidateProposed>().Where(p => evaluated.ContainsKey(p.Id)).OrderBy(p => p.Id).Select(p => (p, evaluated[p.Id]))];
    }
}
