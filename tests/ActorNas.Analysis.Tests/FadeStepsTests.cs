using ActorNas.Analysis.Output;
using ActorNas.Analysis.Tests.TestSupport;
using ActorNas.Core;
using ActorNas.Core.Events;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces.Hierarchical;
using Xunit;

namespace ActorNas.Analysis.Tests;

/// <summary>The analysis of a FaDE search: each proposal ranked by a region supernet is a step with its region and ranks.</summary>
public sealed class FadeStepsTests
{
    // a region of 2 x 3 x 1 graphs: the centre (10, 20, 30) first at every stage
    private static readonly IReadOnlyList<IReadOnlyList<int>> Region = [[10, 11], [20, 21, 22], [30]];
    private static readonly IReadOnlyList<IReadOnlyList<double>> Weights = [[0.4, 0.6], [0.5, 0.1, 0.4], [1.0]];
    private static readonly HierarchicalSpace Space = new();

    private static CandidateProposed Step(long id, long parent)
    {
        // neighbours (11, 20, 30), (10, 21, 30), (10, 22, 30): scores (0.6+0.5+1)/3, (0.4+0.1+1)/3, (0.4+0.4+1)/3
        Genotype[] mutants = [new([11, 20, 30]), new([10, 21, 30]), new([10, 22, 30])];
        var scores = mutants.Select(m => (Weights[0][m[0] - 10] + Weights[1][m[1] - 20] + 1.0) / 3).ToList();
        return new CandidateProposed(id, parent, mutants[0], new Mutation(0, 10, 11), [parent], 0, LogBuilder.At(2),
            new ScreenedMutants(scores, 0, mutants, Region, Weights));
    }

    [Fact]
    public void A_step_scores_its_centre_in_the_recorded_region_and_ranks_it_among_the_neighbours()
    {
        var step = FadeStep.Of(1, Step(2, 1), 2.0, Space)!;

        Assert.Equal([2, 3, 1], step.RegionSizes);
        Assert.Equal(6, step.RegionArchitectures);
        Assert.Equal(3, step.Neighbours);
        Assert.Equal((0.4 + 0.5 + 1.0) / 3, step.CentreScore, 12);
        Assert.Equal((0.6 + 0.5 + 1.0) / 3, step.ChosenScore, 12);
        // one neighbour scored above the centre ((0.4 + 0.4 + 1) / 3 = 0.6 < 0.633)
        Assert.Equal(2, step.CentreRank);
    }

    [Fact]
    public void A_region_that_does_not_hold_the_centre_is_named_as_unreadable()
    {
        var broken = Step(2, 1);
        broken = broken with { Screened = broken.Screened! with { Region = [[11, 12], [20, 21, 22], [30]] } };
        var e = Assert.Throws<InvalidDataException>(() => FadeStep.Of(1, broken, 2.0, Space));
        Assert.Contains("does not hold its centre", e.Message);
    }

    [Fact]
    public void Proposals_without_a_region_are_not_steps()
    {
        var plain = new CandidateProposed(2, 1, new Genotype([1, 2, 3]), new Mutation(0, 0, 1), [1], 0, LogBuilder.At(1),
            new ScreenedMutants([0.1, 0.2], 1));
        Assert.Null(FadeStep.Of(1, plain, 1.0, Space));
        Assert.Null(FadeStep.Of(1, plain with { Screened = null }, 1.0, Space));
    }

    [Fact]
    public void The_csv_has_a_row_per_step_with_the_objectives_of_both_centres()
    {
        var trace = new CandidateTrace();
        var started = new LogBuilder(1).Events[0];
        trace.Apply(started);
        trace.Apply(new CandidateProposed(1, null, new Genotype([10, 20, 30]), null, null, 0, LogBuilder.At(0)));
        trace.Apply(new CandidateEvaluated(1, 0.5, null, LogBuilder.At(0), LogBuilder.At(1), "w", "n"));
        var proposed = Step(2, 1);
        trace.Apply(proposed);
        var dir = Directory.CreateTempSubdirectory("actornas-fade-steps-");
        var path = Path.Combine(dir.FullName, "fade-steps.csv");

        FadeStepsCsv.Write([FadeStep.Of(1, proposed, 2.0, Space)!], trace, path);

        var lines = File.ReadAllLines(path);
        Assert.Equal(FadeStepsCsv.Header, lines[0]);
        Assert.Equal(2, lines.Length);
        var cells = lines[1].Split(',');
        Assert.Equal(["1", "2", "1", "2.000", "2x3x1", "6", "3"], cells[..7]);
        Assert.Equal("2", cells[9]);
        Assert.Equal("0.5", cells[10]);
        Assert.Equal("", cells[11]);   // the new centre is not evaluated yet
        dir.Delete(recursive: true);
    }
}
