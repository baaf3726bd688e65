using System.Globalization;
using ActorNas.Core;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;
using ActorNas.Core.Spaces.Hierarchical;
using ActorNas.Torch.Data;
using ActorNas.Torch.Training;
using static TorchSharp.torch;

namespace ActorNas.Benchmarks;

/// <summary>
/// FaDE against Regularized Evolution and random search on the hierarchical space at equal compute (issue 19's
/// measurement 3), in one process without actors: the same steps the fade strategy and REA take, with every
/// evaluation a standalone training of the same epochs on the same data and seed, so an architecture has one accuracy
/// whichever search finds it.
/// <para>Compute is counted in network-epochs: a standalone training of E epochs costs E; a region supernet's epoch
/// costs its cells over the stages (sum_s k_s / S: it runs every candidate cell of every stage, and a network runs one
/// per stage), so E epochs of it cost E * sum_s k_s / S. Each search stops before the step that would pass the
/// budget.</para>
/// </summary>
internal static class FadeSearchComparison
{
    public sealed record Result(string Search, int Seed, double Best, int Evaluations, double Compute);

    public static IReadOnlyList<Result> Run(DataSplit data, TrainingSettings standalone, RegionTrainingSettings regionSettings, int neighbours,
        double budget, int seeds, int population, int sample)
    {
        var space = new HierarchicalSpace();
        var accuracyOf = new Dictionary<Genotype, double>();
        double Evaluate(Genotype g)
        {
            // one seed for every search: an architecture's accuracy does not depend on which search trained it
            if (!accuracyOf.TryGetValue(g, out var accuracy))
                accuracyOf[g] = accuracy = Trainer.Train(space, g, data, standalone, LayerTransfer.None, seed: 1, CPU, CancellationToken.None).ValidationAccuracy;
            return accuracy;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  search at equal compute: {budget:F0} network-epochs each, {seeds} seed(s); REA P = {population}, S = {sample}; FaDE with {neighbours} neighbours"));
        var results = new List<Result>();
        for (var seed = 1; seed <= seeds; seed++)
        {
            results.Add(RandomSearch(space, Evaluate, standalone.Epochs, budget, seed));
            results.Add(Rea(space, Evaluate, standalone.Epochs, budget, seed, population, sample));
            results.Add(Fade(space, Evaluate, data, standalone.Epochs, regionSettings, neighbours, budget, seed));
            foreach (var r in results.TakeLast(3))
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"    seed {seed} {r.Search,-6}: best {r.Best:P1} after {r.Evaluations} evaluations, {r.Compute:F1} network-epochs"));
        }
        return results;
    }

    private static Result RandomSearch(HierarchicalSpace space, Func<Genotype, double> evaluate, int epochs, double budget, int seed)
    {
        var random = new DeterministicRandom(DeterministicRandom.Mix(3000 + (ulong)seed));
        var (best, count, compute) = (double.NegativeInfinity, 0, 0.0);
        while (compute + epochs <= budget)
        {
            best = Math.Max(best, evaluate(Mutator.RandomGenotype(space, random)));
            count++;
            compute += epochs;
        }
        return new Result("random", seed, best, count, compute);
    }

    /// <summary>Regularized Evolution as the product runs it (<see cref="SearchState"/> through <see cref="PlainLoop"/>, one
    /// worker), with as many evaluations as the budget pays for.</summary>
    private static Result Rea(HierarchicalSpace space, Func<Genotype, double> evaluate, int epochs, double budget, int seed, int population, int sample)
    {
        var evaluations = (int)Math.Floor(budget / epochs);
        var config = new SearchSettings
        {
            Space = new SearchSpaceSpec(HierarchicalSpace.SpaceName, Hierarchical: space.Settings),
            PopulationSize = population,
            SampleSize = sample,
            Budget = evaluations,
            Seed = 4000 + seed,
        };
        var best = double.NegativeInfinity;
        PlainLoop.Run(config, landscapeSeed: 0, workers: 1, e =>
        {
            if (e is Core.Events.CandidateEvaluated v) best = Math.Max(best, v.Objective);
        }, evaluate);
        return new Result("rea", seed, best, evaluations, evaluations * (double)epochs);
    }

    private static Result Fade(HierarchicalSpace space, Func<Genotype, double> evaluate, DataSplit data, int epochs, RegionTrainingSettings settings,
        int neighbours, double budget, int seed)
    {
        var random = new DeterministicRandom(DeterministicRandom.Mix(5000 + (ulong)seed));
        var centre = Mutator.RandomGenotype(space, random);
        var best = evaluate(centre);
        var (count, compute) = (1, (double)epochs);
        while (true)
        {
            double stepCost = 0;
            RegionWeigher weigher = (region, regionSeed, _) =>
            {
                // the region's size is known once the neighbours are drawn: a step that would pass the budget stops here
                stepCost = settings.Epochs * Enumerable.Range(0, region.Stages).Sum(s => region.CandidatesAt(s).Count) / (double)region.Stages;
                if (compute + stepCost + epochs > budget) throw new OperationCanceledException("over budget");
                return RegionTrainer.Train(region, data, settings, regionSeed, CPU, CancellationToken.None).CandidateWeights;
            };
            ChildProposal step;
            try
            {
                step = FadeProposal.Propose(space, centre, random, PositionWeighting.Uniform, neighbours, weigher);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            centre = step.Child;
            best = Math.Max(best, evaluate(centre));
            count++;
            compute += stepCost + epochs;
        }
        return new Result("fade", seed, best, count, compute);
    }
}
