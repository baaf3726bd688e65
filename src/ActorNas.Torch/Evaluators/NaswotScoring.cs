using ActorNas.Core;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;
using ActorNas.Torch.Models;
using ActorNas.Torch.Training;
using static TorchSharp.torch;

namespace ActorNas.Torch.Evaluators;

/// <summary>NASWOT as the naswot evaluator and the naswot screening proxy both use it: one fixed batch per search.</summary>
public sealed class NaswotScoring(TorchWorkshop workshop, ISearchSpace space, long searchSeed, Device device)
{
    /// <summary>The score of an untrained network of <paramref name="genotype"/>, built with <paramref name="networkSeed"/>.</summary>
    public (double Score, long Parameters, int BatchSize) Score(Genotype genotype, long networkSeed)
    {
        using var scope = NewDisposeScope();
        var train = workshop.Data.Train;
        var batchSize = Math.Min(workshop.Settings.NaswotBatchSize, train.Count);
        // the same images for every candidate of a search: chosen by the search seed alone
        using var generator = new Generator((ulong)searchSeed);
        var index = randperm(train.Count, generator: generator).narrow(0, 0, batchSize);
        var batch = train.Images.index_select(0, index).to(device);
        var input = new InputShape(train.Channels, train.Height, train.Width, train.Classes);
        var options = new NetworkSettings(workshop.Settings.Nb201Channels, workshop.Settings.Nb201CellsPerStage);
        using var network = Trainer.Build(space, genotype, input, options, networkSeed, device);
        return (Naswot.Score(network, batch), network.parameters().Sum(p => p.NumberOfElements), batchSize);
    }

    /// <summary>
    /// The naswot screening proxy: a mutant's score, with the network seeded from the search seed and the genotype (a
    /// mutant has no candidate id yet); a singular kernel ranks last.
    /// </summary>
    public static Func<Genotype, double> Proxy(TorchWorkshop workshop, ISearchSpace space, long searchSeed)
    {
        var scoring = new NaswotScoring(workshop, space, searchSeed, TorchDevices.ForSlot(workshop.Settings.Device, 0));
        return genotype =>
        {
            var key = genotype.Aggregate(DeterministicRandom.Mix((ulong)searchSeed), (h, v) => DeterministicRandom.Mix(h ^ (ulong)v));
            var score = scoring.Score(genotype, (long)key).Score;
            return double.IsFinite(score) ? score : double.NegativeInfinity;
        };
    }
}
