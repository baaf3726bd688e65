using ActorNas.Core.Caching;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Spaces.SpiderNet;
using ActorNas.Torch.Training;

namespace ActorNas.Torch.Evaluators;

/// <summary>
/// `train`: trains the candidate on the configured dataset and answers its validation accuracy (0..1), with the
/// metrics parameters, trainSeconds, transferSeconds, transferredParameters, finalLoss and steps, and with transfer on
/// the weight cache's facts (docs/weight-cache.md). With transfer on it first fetches the child's layers from the node's
/// weight cache (the context's, or the workshop's in-process one), then trains on a thread of its own (libtorch work is
/// synchronous; dispose scopes are per thread; it stops between steps when cancelled), then offers the trained layers.
/// A spidernet candidate is one SpiderNet round instead (<see cref="SpiderRound"/>): trained from scratch, its weak
/// ops pruned, the pruned genotype answered as the result's revised genotype.
/// </summary>
public sealed class TrainEvaluator(TorchWorkshop workshop, int slot) : IEvaluator
{
    public async Task<EvaluationResult> EvaluateAsync(Candidate candidate, EvaluationContext context, CancellationToken cancellationToken)
    {
        if (context.Space is SpiderNetSpace spider) return await RoundAsync(spider, candidate, context, cancellationToken).ConfigureAwait(false);
        var options = workshop.Settings;
        var cache = options.Transfer ? context.LayerCache ?? workshop.FallbackCache : null;
        LayerFetch? fetch = null;
        var cacheErrors = 0;
        if (cache is not null)
        {
            var layers = await OnTrainingThread(() => Trainer.LayerIdentities(context.Space, candidate.Genotype, workshop.Data, options),
                cancellationToken).ConfigureAwait(false);
            try
            {
                fetch = await cache.FetchAsync(new LayerRequest(candidate.Id, candidate.ParentId, candidate.ParentNode, candidate.Attempt, layers),
                    cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not OutOfMemoryException)
            {
                // a cache that cannot answer (its actor gone) costs the transfer, never the candidate
                cacheErrors++;
            }
        }

        var transfer = cache is null ? LayerTransfer.None
            : new LayerTransfer(fetch?.Layers ?? new Dictionary<string, LayerPayload>(), candidate.Id, KeepLayers: true);
        var outcome = await OnTrainingThread(() =>
        {
            var device = TorchDevices.ForSlot(options.Device, slot);
            // the same candidate trains the same way wherever and whenever it runs
            var seed = context.Seed ^ (candidate.Id * 1_000_003L);
            return Trainer.Train(context.Space, candidate.Genotype, workshop.Data, options, transfer, seed, device, cancellationToken);
        }, cancellationToken).ConfigureAwait(false);

        if (cache is not null && outcome.Layers is { Count: > 0 } trained)
        {
            try
            {
                // the objective goes along: donor-popularity predicts the search's next donors from it
                var model = new EvaluatedModel(candidate.Id, candidate.ParentId, outcome.ValidationAccuracy, [.. trained.Select(l => l.Layer)]);
                await cache.OfferAsync(model, trained, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not OutOfMemoryException)
            {
                cacheErrors++;
            }
        }

        var metrics = new Dictionary<string, double>
        {
            ["parameters"] = outcome.Parameters,
            ["trainSeconds"] = outcome.TrainSeconds,
            ["transferSeconds"] = outcome.TransferSeconds,
            ["transferredParameters"] = outcome.TransferredParameters,
            ["finalLoss"] = outcome.FinalLoss,
            ["steps"] = outcome.Steps,
        };
        if (fetch is not null)
            foreach (var (name, value) in fetch.Metrics()) metrics[name] = value;
        if (cacheErrors > 0) metrics["cacheErrors"] = cacheErrors;
        bool? cacheHit = fetch is null ? null : fetch.LocalHits + fetch.RemoteHits > 0;
        return new EvaluationResult(outcome.ValidationAccuracy, metrics, outcome.TransferredLayers, cacheHit);
    }

    /// <summary>One SpiderNet round with evaluator.train's epochs, batch size, learning rate, momentum and weight decay
    /// (drop-path, gate clip and the pruning threshold at SpiderNet's values); every split re-initialises the weights,
    /// so the weight cache has nothing to give or keep.</summary>
    private async Task<EvaluationResult> RoundAsync(SpiderNetSpace space, Candidate candidate, EvaluationContext context, CancellationToken cancellationToken)
    {
        var options = workshop.Settings;
        var settings = new SpiderRoundSettings(options.Epochs, options.BatchSize, options.LearningRate, options.Momentum, options.WeightDecay);
        var outcome = await OnTrainingThread(() =>
        {
            var device = TorchDevices.ForSlot(options.Device, slot);
            var seed = context.Seed ^ (candidate.Id * 1_000_003L);
            return SpiderRound.Train(space, candidate.Genotype, workshop.Data, settings, seed, device, cancellationToken);
        }, cancellationToken).ConfigureAwait(false);
        var train = workshop.Data.Train;
        var metrics = new Dictionary<string, double>
        {
            ["parameters"] = outcome.Parameters,
            ["trainSeconds"] = outcome.TrainSeconds,
            ["finalLoss"] = outcome.FinalLoss,
            ["steps"] = outcome.Steps,
            ["prunedOps"] = outcome.PrunedOps.Count,
            ["parametersAfterPruning"] = SpiderCost.Parameters(space, outcome.Pruned, train.Channels, train.Classes),
            // the analytic estimate the memory gate uses (docs/spidernet.md), not a measurement
            ["trainingMbEstimate"] = SpiderCost.TrainingBytes(space, candidate.Genotype, train.Channels, train.Height, train.Classes, options.BatchSize)
                / (1024.0 * 1024.0),
        };
        return new EvaluationResult(outcome.ValidationAccuracy, metrics, Revised: outcome.Pruned);
    }

    private static Task<T> OnTrainingThread<T>(Func<T> work, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(work, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
