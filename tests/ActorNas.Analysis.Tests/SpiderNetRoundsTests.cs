using ActorNas.Analysis.Output;
using ActorNas.Core;
using ActorNas.Core.Events;
using ActorNas.Core.Evolution;
using ActorNas.Core.Growth;
using ActorNas.Core.Spaces;
using ActorNas.Core.Spaces.SpiderNet;
using Xunit;

namespace ActorNas.Analysis.Tests;

/// <summary>
/// The analysis of a SpiderNet search: each evaluated candidate is a round, with the splits that grew it from the network
/// the round before left and the ops its own pruning removed.
/// </summary>
public sealed class SpiderNetRoundsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);
    private static readonly SpiderNetSpace Space = new(new SpiderNetSpaceSettings(ReductionCells: 1, InitialChannels: 4));

    private static readonly SearchSettings Config = new()
    {
        Space = new SearchSpaceSpec(SpiderNetSpace.SpaceName, SpiderNet: Space.Settings),
        PopulationSize = 1, SampleSize = 1, Mode = SchedulingMode.Batch, BatchSize = 1, Budget = 3, Growth = new GrowthSpec(),
    };

    /// <summary>Splits the first edge of cell <paramref name="cell"/>.</summary>
    private static Genotype Split(Genotype genotype, int cell)
    {
        var cells = Space.Decode(genotype).ToList();
        var (from, to) = cells[cell].Edges.First().Key;
        cells[cell] = cells[cell].Split(from, to);
        return Space.Encode(cells);
    }

    /// <summary>Takes <paramref name="ops"/> live ops off cell 0's first edge.</summary>
    private static Genotype Prune(Genotype genotype, int ops)
    {
        var cells = Space.Decode(genotype).ToList();
        var ((from, to), _) = cells[0].Edges.First();
        cells[0] = cells[0].Prune(Enumerable.Range(0, ops).Select(k => (from, to, (SpiderOp)k)));
        return Space.Encode(cells);
    }

    private static CandidateEvaluated Evaluated(long id, double objective, Genotype? revised, double parameters) =>
        new(id, objective, new Dictionary<string, double> { ["parameters"] = parameters, ["trainingMbEstimate"] = 12.5 }, T0, T0.AddSeconds(id), "w", "n",
            Revised: revised);

    [Fact]
    public void Each_round_counts_the_splits_from_what_the_round_before_left_and_its_own_pruning()
    {
        var first = Space.Origin;
        var firstLeft = Prune(first, 2);
        var second = Split(Split(firstLeft, 0), 1);   // grown from the pruned network, one split per cell
        var secondLeft = Prune(second, 3);
        ISearchEvent[] log =
        [
            new SearchStarted(Config, T0),
            new CandidateProposed(1, null, first, null, null, 0, T0),
            new CandidateStarted(1, "w", "n", 1, T0),
            Evaluated(1, 0.4, firstLeft, 100),
            new CandidateProposed(2, 1, second, null, [1], 1, T0.AddSeconds(1)),
            new CandidateStarted(2, "w", "n", 1, T0.AddSeconds(1)),
            new CandidateRetired(1, T0.AddSeconds(2)),
            Evaluated(2, 0.6, secondLeft, 180),
        ];
        var fold = new LogFold();
        foreach (var e in log) fold.Apply(e);

        var rounds = fold.SpiderNetRounds;
        Assert.Equal(2, rounds.Count);
        var origin = Space.Decode(first);
        Assert.Equal((1, 1L, (long?)null, 0, 2), (rounds[0].Round, rounds[0].Id, rounds[0].ParentId, rounds[0].Splits, rounds[0].PrunedOps));
        Assert.Equal((origin.Sum(c => c.Nodes), origin.Sum(c => c.AliveOps), 100.0, 0.4), (rounds[0].Nodes, rounds[0].AliveOps, rounds[0].Parameters, rounds[0].Objective));
        Assert.Equal((2, 2L, (long?)1, 2, 3), (rounds[1].Round, rounds[1].Id, rounds[1].ParentId, rounds[1].Splits, rounds[1].PrunedOps));
        Assert.Equal(origin.Sum(c => c.Nodes) + 2, rounds[1].Nodes);
        Assert.Equal(Space.Decode(second).Sum(c => c.AliveOps), rounds[1].AliveOps);

        var dir = Directory.CreateTempSubdirectory("actornas-spidernet-rounds-");
        try
        {
            var path = Path.Combine(dir.FullName, AnalysisWriter.SpiderNetRoundsName);
            SpiderNetRoundsCsv.Write(rounds, path);
            var lines = File.ReadAllLines(path);
            Assert.Equal(SpiderNetRoundsCsv.Header, lines[0]);
            Assert.Equal(3, lines.Length);
            Assert.Equal(["2", "2", "1", "2.000"], lines[2].Split(',')[..4]);
            Assert.Equal(["2", "3", "180", "", "12.5", "0.6"], lines[2].Split(',')[7..13]);
            Assert.EndsWith($",\"{Space.Format(second)}\",\"{Space.Format(secondLeft)}\"", lines[2], StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Other_searches_have_no_rounds()
    {
        var fold = new LogFold();
        var config = new SearchSettings { Space = new SearchSpaceSpec(Nb201Space.SpaceName), PopulationSize = 2, SampleSize = 1 };
        fold.Apply(new SearchStarted(config, T0));
        fold.Apply(new CandidateProposed(1, null, new Genotype([0, 1, 2, 3, 4, 0]), null, null, 0, T0));
        fold.Apply(new CandidateStarted(1, "w", "n", 1, T0));
        fold.Apply(new CandidateEvaluated(1, 0.5, null, T0, T0, "w", "n"));
        Assert.Empty(fold.SpiderNetRounds);
    }
}
