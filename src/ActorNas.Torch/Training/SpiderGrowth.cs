using ActorNas.Core;
using ActorNas.Core.Evolution;
using ActorNas.Core.Growth;
using ActorNas.Core.Spaces.SpiderNet;
using ActorNas.Torch.Evaluators;
using ActorNas.Torch.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace ActorNas.Torch.Training;

/// <summary>The sizes of the split scoring (research notes 1.4 and 1.9): narrow copies of width 3 (NTK, Kaiming fan-out)
/// and 1 (linear regions, Kaiming fan-in), averaged over re-initialisations; and the memory gate: a split is made only
/// if the network after it is estimated to train in <paramref name="MemoryBudgetBytes"/> at <paramref name="Batch"/>
/// images (<see cref="SpiderCost.TrainingBytes"/>, the CPU's stand-in for measured GPU memory; null: no gate).</summary>
public sealed record GrowthSettings(int NtkWidth = 3, int RegionWidth = 1, int Reinitialisations = 3, long? MemoryBudgetBytes = null, int Batch = 64)
{
    public void Validate()
    {
        if (NtkWidth < 1 || RegionWidth < 1) throw new ArgumentException($"the narrow copies need a width >= 1: {this}");
        if (Reinitialisations < 1) throw new ArgumentException($"reinitialisations must be >= 1, got {Reinitialisations}");
        if (MemoryBudgetBytes is <= 0) throw new ArgumentException($"memory-budget must be > 0, got {MemoryBudgetBytes}");
        if (Batch < 1) throw new ArgumentException($"batch must be >= 1, got {Batch}");
    }
}

/// <summary>What the growth pass did in one cell: every edge it measured (in visiting order, by its index in the cell's
/// edge order), the split it made, if any, and the split the memory gate refused, if any (with the estimate).</summary>
public sealed record CellGrowth(int Cell, IReadOnlyList<SplitCandidate> Measured, (int From, int To)? Split,
    (int From, int To)? RefusedByMemory = null, long? EstimatedBytes = null);

/// <summary>A growth pass: the genotype with at most one split per cell, and what each cell's scoring saw.</summary>
public sealed record GrowthOutcome(Genotype Grown, IReadOnlyList<CellGrowth> Cells);

/// <summary>
/// SpiderNet's growth pass over a genotype (research notes 1.4): for each cell in turn (later cells see the splits
/// already made), its edges in a random order drawn from the seed; for each, the split network is built narrow and
/// measured twice with shared weights, with the two new edges active ("on") and masked ("off", which computes the
/// network before the split), over <see cref="GrowthSettings.Reinitialisations"/> initialisations; the first 3 valid
/// candidates are scored and the best is applied (<see cref="SplitScoring"/>). A cell already at
/// <see cref="SpiderNetSpace.MaxNodes"/> nodes, or without edges, is left as it is. Everything runs in float64 on the
/// calling thread, deterministically for the seed.
/// </summary>
public static class SpiderGrowth
{
    /// <param name="ntkBatch">The NTK's images (B, C, H, W), B >= 2.</param>
    /// <param name="crops">The linear regions' inputs (N, 1, s, s).</param>
    public static GrowthOutcome Grow(SpiderNetSpace space, Genotype genotype, InputShape input, Tensor ntkBatch, Tensor crops, GrowthSettings settings,
        GrowthRule rule, long seed, Device device, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var cells = space.Decode(genotype).ToList();
        var report = new List<CellGrowth>(cells.Count);
        for (var c = 0; c < cells.Count; c++)
        {
            var edges = cells[c].Edges.Select(e => e.Key).ToList();
            if (edges.Count == 0 || cells[c].Nodes >= SpiderNetSpace.MaxNodes)
            {
                report.Add(new CellGrowth(c, [], null));
                continue;
            }
            var random = DeterministicRandom.For(seed, c, RandomPurpose.Mutation);
            var measured = new List<SplitCandidate>();
            (int From, int To)? wanted;
            if (rule == GrowthRule.Random) wanted = edges[random.NextInt(edges.Count)];
            else
            {
                var order = random.SampleWithoutReplacement(edges.Count, edges.Count);
                var valid = SplitScoring.CollectValid(order, e =>
                {
                    cancel.ThrowIfCancellationRequested();
                    var candidate = Measure(space, cells, c, edges[e], e, input, ntkBatch, crops, settings, seed, device);
                    measured.Add(candidate);
                    return candidate;
                });
                wanted = SplitScoring.Choose(valid) is { } chosen ? edges[chosen.Edge] : null;
            }
            if (wanted is not { } split)
            {
                report.Add(new CellGrowth(c, measured, null));
                continue;
            }
            var grown = cells.Select((cell, i) => i == c ? cell.Split(split.From, split.To) : cell).ToList();
            long? bytes = settings.MemoryBudgetBytes is null ? null
                : SpiderCost.TrainingBytes(space, space.Encode(grown), input.Channels, input.Height, input.Classes, settings.Batch);
            if (bytes > settings.MemoryBudgetBytes)
            {
                report.Add(new CellGrowth(c, measured, null, split, bytes));
                continue;
            }
            cells = grown;
            report.Add(new CellGrowth(c, measured, split, null, bytes));
        }
        return new GrowthOutcome(space.Encode(cells), report);
    }

    /// <summary>The relative changes of splitting <paramref name="edge"/> of cell <paramref name="cell"/>, averaged over
    /// the re-initialisations.</summary>
    private static SplitCandidate Measure(SpiderNetSpace space, IReadOnlyList<SpiderCell> cells, int cell, (int From, int To) edge, int index,
        InputShape input, Tensor ntkBatch, Tensor crops, GrowthSettings settings, long seed, Device device)
    {
        var split = cells.Select((c, i) => i == cell ? c.Split(edge.From, edge.To) : c).ToList();
        var pairs = new List<SplitPair>(settings.Reinitialisations);
        for (var r = 0; r < settings.Reinitialisations; r++)
        {
            using var scope = NewDisposeScope();
            var key = ((ulong)(uint)cell << 40) | ((ulong)(uint)index << 8) | (uint)r;
            var networkSeed = (long)(DeterministicRandom.Mix((ulong)seed ^ DeterministicRandom.Mix(key)) >> 1);
            var (kappaOn, kappaOff) = OnAndOff(space, split, cell, edge, settings.NtkWidth, input, networkSeed, device, fanOut: true,
                network => NtkConditionNumber.Of(network, ntkBatch, orthogonalToOnes: true));
            var regionInput = new InputShape(1, (int)crops.shape[2], (int)crops.shape[3], input.Classes);
            var (regionsOn, regionsOff) = OnAndOff(space, split, cell, edge, settings.RegionWidth, regionInput, networkSeed, device, fanOut: false,
                network => LinearRegionCount.Of(network, crops));
            pairs.Add(new SplitPair(kappaOn, kappaOff, regionsOn, regionsOff));
        }
        return SplitScoring.Candidate(index, pairs);
    }

    /// <summary>One narrow copy of the split network measured with the split's two new edges active, then masked.</summary>
    private static (double On, double Off) OnAndOff(SpiderNetSpace space, IReadOnlyList<SpiderCell> split, int cell, (int From, int To) edge,
        int width, InputShape input, long networkSeed, Device device, bool fanOut, Func<SpiderNetwork, double> metric)
    {
        var narrow = new SpiderNetSpace(space.Settings with { InitialChannels = width });
        var network = Trainer.BuildSeeded(networkSeed, () =>
        {
            var built = new SpiderNetwork(narrow, narrow.Encode(split), input);
            TrainFreeScoring.Kaiming(built, fanOut);
            return built;
        });
        using (network)
        {
            network.to(ScalarType.Float64).to(device);
            var on = metric(network);
            // the split made node edge.To; the new edges are From -> To and To -> To + 1
            network.SetMasked(cell, edge.From, edge.To, masked: true);
            network.SetMasked(cell, edge.To, edge.To + 1, masked: true);
            var off = metric(network);
            return (on, off);
        }
    }
}
