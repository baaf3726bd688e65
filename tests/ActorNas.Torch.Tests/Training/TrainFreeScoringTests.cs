using ActorNas.Core;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;
using ActorNas.Torch.Evaluators;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ActorNas.Torch.Tests.Training;

/// <summary>
/// The ntk and linear-regions screening proxies on real narrow copies: the same seeds give the same numbers, and in
/// hybrid screening the mutant with the lowest condition number (ntk) or the most regions (linear-regions) is proposed.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class TrainFreeScoringTests
{
    private readonly ITestOutputHelper _output;

    public TrainFreeScoringTests(ITestOutputHelper output)
    {
        _output = output;
        set_num_threads(1);
    }

    private static readonly Genotype Conv = new([3, 3, 3, 3, 3, 3]);
    private static readonly Genotype Mixed = new([3, 1, 2, 0, 4, 3]);

    private static TorchWorkshop Workshop()
    {
        var workshop = new TorchWorkshop(TrainingTestKit.Options(trainImages: 200, validationImages: 20), Environment.ProcessorCount);
        workshop.Prepare();
        return workshop;
    }

    [Fact]
    public void The_same_seeds_give_the_same_metrics_and_other_weights_other_ones()
    {
        using var workshop = Workshop();
        using var a = new TrainFreeScoring(workshop, Nb201Space.Instance, searchSeed: 11, CPU);
        using var b = new TrainFreeScoring(workshop, Nb201Space.Instance, searchSeed: 11, CPU);

        var kappa = a.NtkConditionNumber(Conv, networkSeed: 5);
        var regions = a.LinearRegions(Conv, networkSeed: 5);
        _output.WriteLine($"NB201 C=1, N=1 copies of {Nb201Space.Instance.Format(Conv)}: kappa {kappa:G6}, regions {regions} of 1000 crops");
        Assert.True(double.IsFinite(kappa) && kappa >= 1, $"kappa {kappa}");
        Assert.InRange(regions, 2, 1000);
        // bit for bit, from a second scorer of the same search (its own batch and crops, drawn again)
        Assert.Equal(BitConverter.DoubleToInt64Bits(kappa), BitConverter.DoubleToInt64Bits(b.NtkConditionNumber(Conv, 5)));
        Assert.Equal(regions, b.LinearRegions(Conv, 5));
        Assert.Equal(kappa, a.NtkConditionNumber(Conv, 5));

        // other weights give another kernel
        Assert.NotEqual(kappa, a.NtkConditionNumber(Conv, 6));
        // another search draws another NTK batch
        using var other = new TrainFreeScoring(workshop, Nb201Space.Instance, searchSeed: 12, CPU);
        Assert.NotEqual(kappa, other.NtkConditionNumber(Conv, 5));
    }

    [Fact]
    public void Both_metrics_work_on_the_sequential_space_through_its_units_cap()
    {
        using var workshop = Workshop();
        var space = TrainingTestKit.Sequential(3);
        using var scoring = new TrainFreeScoring(workshop, space, searchSeed: 3, CPU);
        var genotype = new Genotype([1, 0, 5, 1, 2, 2]);
        var kappa = scoring.NtkConditionNumber(genotype, 1);
        var regions = scoring.LinearRegions(genotype, 1);
        _output.WriteLine($"{space.Format(genotype)}: kappa {kappa:G6}, regions {regions}");
        Assert.True(double.IsFinite(kappa) && kappa >= 1, $"kappa {kappa}");
        Assert.InRange(regions, 2, 1000);
    }

    [Theory]
    [InlineData(ProxyKind.Ntk)]
    [InlineData(ProxyKind.LinearRegions)]
    public void Hybrid_screening_proposes_the_mutant_the_metric_prefers(ProxyKind kind)
    {
        using var workshop = Workshop();
        var metric = TrainFreeScoring.Proxy(workshop, Nb201Space.Instance, searchSeed: 21, kind);
        var scored = new List<(Genotype Genotype, double Raw)>();
        double Recording(Genotype g)
        {
            var raw = metric(g);
            scored.Add((g, raw));
            return raw;
        }
        var config = new SearchSettings { Space = new SearchSpaceSpec(Nb201Space.SpaceName), Seed = 21, Screening = new Screening(5, kind) };
        var proxy = ProxyModel.For(config.Screening, Nb201Space.Instance, [])!;

        var proposal = ChildProposer.ChildOf(config, Nb201Space.Instance, candidateId: 7, Mixed, proxy, Recording);

        var screened = Assert.IsType<ScreenedMutants>(proposal.Screened);
        _output.WriteLine($"{kind}: raw {string.Join(", ", scored.Select(s => s.Raw.ToString("G6")))}; chosen {screened.Chosen}");
        Assert.Equal(5, scored.Count);
        var raws = scored.Select(s => s.Raw).ToList();
        Assert.True(raws.Distinct().Count() > 1, "the mutants should differ in the metric, or the ranking is not tested");
        var best = kind == ProxyKind.Ntk ? raws.IndexOf(raws.Min()) : raws.IndexOf(raws.Max());
        Assert.Equal(best, screened.Chosen);
        Assert.Equal(scored[best].Genotype, proposal.Child);
        Assert.Equal(kind == ProxyKind.Ntk ? raws.Select(r => -r) : raws, screened.Scores);
        // the scorer is deterministic: a second proposal for the same candidate is the same child
        Assert.Equal(proposal.Child, ChildProposer.ChildOf(config, Nb201Space.Instance, 7, Mixed, proxy, metric).Child);
    }
}
