using ActorNas.Analysis.Tests.TestSupport;
using ActorNas.Core;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;
using Xunit;

namespace ActorNas.Analysis.Tests;

public sealed class MutationLandingTests
{
    private const double Eps = 1e-12;
    private static readonly Genotype Zero = new([0, 0, 0, 0, 0, 0]);
    private static readonly Dictionary<long, Genotype> NoGenotypes = [];
    private static readonly Dictionary<long, IReadOnlyDictionary<string, double>?> NoMetrics = [];

    private static Proposal P(int index, int? position) =>
        new(index, index + 1, position is null ? null : 1, Zero, position is { } p ? new Mutation(p, 0, 1) : null, index);

    [Theory]
    [InlineData(0, 10, 0)]
    [InlineData(3, 10, 0)]   // 9 / 10
    [InlineData(4, 10, 1)]   // 12 / 10
    [InlineData(6, 10, 1)]   // 18 / 10
    [InlineData(7, 10, 2)]   // 21 / 10
    [InlineData(9, 10, 2)]
    [InlineData(2, 3, 2)]
    [InlineData(5, 1, 2)]    // beyond the count: still the last third
    [InlineData(0, 0, 0)]    // no proposals
    public void Phase_is_the_third_of_the_search(int index, int count, int phase) =>
        Assert.Equal(phase, MutationLanding.Phase(index, count));

    [Fact]
    public void Position_counts_overall_and_per_third_and_prefix_lengths_in_nb201()
    {
        // 9 proposals, phases i / 3: 0 0 0 | 1 1 1 | 2 2 2; the first three are random.
        // mutated positions: idx3 -> 5, idx4 -> 0, idx5 -> 5 | idx6 -> 2, idx7 -> 2, idx8 -> 3
        int?[] positions = [null, null, null, 5, 0, 5, 2, 2, 3];
        var proposals = positions.Select((p, i) => P(i, p)).ToList();
        var m = MutationLanding.Compute(Nb201Space.Instance, proposals, [], NoGenotypes, NoMetrics);

        Assert.Equal([1, 0, 2, 1, 0, 2], m.Positions);
        Assert.Equal(3, m.PositionsByPhase.Count);
        Assert.Equal([0, 0, 0, 0, 0, 0], m.PositionsByPhase[0]);
        Assert.Equal([1, 0, 0, 0, 0, 2], m.PositionsByPhase[1]);
        Assert.Equal([0, 0, 2, 1, 0, 0], m.PositionsByPhase[2]);
        // nb201: prefix = position; lengths 0..6: {0: 1, 2: 2, 3: 1, 5: 2}
        Assert.Equal([1, 0, 2, 1, 0, 2, 0], m.PrefixLengths);
        Assert.Equal((5 + 0 + 5 + 2 + 2 + 3) / 6.0, m.MeanPrefixLength, Eps);
        Assert.Equal("parameters (M)", m.SizeUnit);
        Assert.Empty(m.ModelSize);
    }

    [Fact]
    public void Prefix_lengths_in_the_sequential_space_stop_at_the_changed_layer()
    {
        var space = (SequentialSpace)LogBuilder.Sequential3.Create();
        // prefix = position - position % 2: 1 -> 0, 2 -> 2, 3 -> 2, 5 -> 4, 4 -> 4
        int?[] positions = [null, 1, 2, 3, 5, 4];
        var genotype = new Genotype([0, 0, 0, 0, 0, 0]);
        var proposals = positions.Select((p, i) =>
            new Proposal(i, i + 1, p is null ? null : 1, genotype, p is { } q ? new Mutation(q, 0, 1) : null, i)).ToList();
        var m = MutationLanding.Compute(space, proposals, [], NoGenotypes, NoMetrics);

        Assert.Equal([0, 1, 1, 1, 1, 1], m.Positions);
        Assert.Equal([1, 0, 2, 0, 2, 0, 0], m.PrefixLengths);
        Assert.Equal((0 + 2 + 2 + 4 + 4) / 5.0, m.MeanPrefixLength, Eps);
        Assert.Equal("total dense units", m.SizeUnit);
        // 6 proposals: phases 0 0 1 1 2 2
        Assert.Equal([0, 1, 0, 0, 0, 0], m.PositionsByPhase[0]);
        Assert.Equal([0, 0, 1, 1, 0, 0], m.PositionsByPhase[1]);
        Assert.Equal([0, 0, 0, 0, 1, 1], m.PositionsByPhase[2]);
    }

    [Fact]
    public void Without_mutations_the_mean_prefix_is_undefined()
    {
        var m = MutationLanding.Compute(Nb201Space.Instance, [P(0, null), P(1, null)], [], NoGenotypes, NoMetrics);
        Assert.Equal([0, 0, 0, 0, 0, 0], m.Positions);
        Assert.Equal([0, 0, 0, 0, 0, 0, 0], m.PrefixLengths);
        Assert.True(double.IsNaN(m.MeanPrefixLength));
    }

    [Fact]
    public void Nb201_model_size_from_the_genotype_or_the_recorded_metric()
    {
        // all-none cell: stem 3*16*9 + 32 = 464; reductions 14,464 and 57,600; last norm 128; head 64*10 + 10 = 650
        // -> 73,306 parameters
        Assert.Equal(0.073306, ModelSizes.Of(Nb201Space.Instance, Zero, null), 1e-12);
        Assert.Equal(0.073306, ModelSizes.Of(Nb201Space.Instance, Zero, new Dictionary<string, double> { ["flops"] = 3 }), 1e-12);
        Assert.Equal(1.5, ModelSizes.Of(Nb201Space.Instance, Zero, new Dictionary<string, double> { ["megaParameters"] = 1.5 }));
        // one 1x1 conv edge adds, per cell, C*C weights + 2C norm: 5 cells each of 16, 32, 64 channels
        // 5 * (256 + 32) + 5 * (1024 + 64) + 5 * (4096 + 128) = 1440 + 5440 + 21120 = 28000
        Assert.Equal(0.101306, ModelSizes.Of(Nb201Space.Instance, new Genotype([2, 0, 0, 0, 0, 0]), null), 1e-12);
    }

    [Fact]
    public void Hierarchical_model_size_is_its_parameter_count()
    {
        var space = new Core.Spaces.Hierarchical.HierarchicalSpace();
        // single vertices: stage convs 40 + 296 + 1,168 and the head 650 -> 2,154 parameters
        Assert.Equal(0.002154, ModelSizes.Of(space, space.Parse("|0|0|0|"), null), 1e-12);
        Assert.Equal("parameters (M)", ModelSizes.Unit(space));
    }

    [Fact]
    public void Sequential_model_size_is_the_sum_of_dense_widths()
    {
        var space = (SequentialSpace)LogBuilder.Sequential3.Create();
        // op value v > 0: units[(v - 1) / 3] of [16 32 48 64 80 96]; 1 -> 16, 0 -> identity, 18 -> 96
        Assert.Equal(16 + 0 + 96, ModelSizes.Of(space, new Genotype([1, 0, 0, 1, 18, 2]), null));
        Assert.Equal(0, ModelSizes.Of(space, new Genotype([0, 1, 0, 2, 0, 3]), null));
        Assert.Equal(48 + 48 + 32, ModelSizes.Of(space, new Genotype([7, 0, 9, 0, 4, 0]), null));
        Assert.Equal(42, ModelSizes.Of(space, new Genotype([1, 0, 0, 0, 0, 0]), new Dictionary<string, double> { ["megaParameters"] = 42 }));
    }

    [Fact]
    public void Model_size_series_is_in_finish_order_with_the_metric_where_recorded()
    {
        var genotypes = new Dictionary<long, Genotype>
        {
            [1] = Zero,
            [2] = new([2, 0, 0, 0, 0, 0]),
            [3] = new([3, 3, 3, 3, 3, 3]),
        };
        var metrics = new Dictionary<long, IReadOnlyDictionary<string, double>?>
        {
            [1] = null,
            [2] = new Dictionary<string, double> { ["accuracy"] = 0.9 },
            [3] = new Dictionary<string, double> { ["megaParameters"] = 1.25 },
        };
        List<Evaluation> evaluations = [new(3, 0, 9, 0.5, "w"), new(1, 0, 2, 0.4, "w"), new(2, 0, 5, 0.6, "w")];
        var m = MutationLanding.Compute(Nb201Space.Instance, [], evaluations, genotypes, metrics);

        Assert.Equal([2.0, 5, 9], m.ModelSize.Select(p => p.Time));
        Assert.Equal(0.073306, m.ModelSize[0].Value, 1e-12);
        Assert.Equal(0.101306, m.ModelSize[1].Value, 1e-12);
        Assert.Equal(1.25, m.ModelSize[2].Value);
    }

    [Fact]
    public void From_a_folded_log_the_recorded_metric_wins()
    {
        var log = LogBuilder.Of(2, 3, LogBuilder.Sequential3,
            Cand.Random(1, "1,0,0,1,18,2", "w1", 0, 2, 0.5),
            Cand.Random(2, "0,0,0,0,0,0", "w2", 0, 1, 0.4) with { Metrics = new Dictionary<string, double> { ["megaParameters"] = 7 } },
            Cand.Child(3, 1, 3, 2, "w2", 1, 4, 0.6));
        var fold = log.Fold();
        var records = fold.Trace.Records;
        var m = MutationLanding.Compute(fold.Space, fold.Proposals, fold.Evaluations,
            records.ToDictionary(r => r.Id, r => r.Genotype), records.ToDictionary(r => r.Id, r => r.Metrics));

        Assert.Equal([new SeriesPoint(1, 7), new SeriesPoint(2, 112), new SeriesPoint(4, 112)], m.ModelSize);
        Assert.Equal([0, 0, 0, 1, 0, 0], m.Positions);
        Assert.Equal([0, 0, 1, 0, 0, 0, 0], m.PrefixLengths);   // skip of layer 1: layer 0 transfers
        Assert.Equal(2.0, m.MeanPrefixLength);
    }
}
