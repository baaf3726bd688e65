using ActorNas.Core.Evaluation;
using ActorNas.Torch.Training;

namespace ActorNas.Torch.Evaluators;

/// <summary>
/// `train`: trains the candidate on the configured dataset and answers its validation accuracy (0..1), with the
/// metrics parameters, trainSeconds, transferSeconds, transferredParameters, finalLoss and steps. Training runs on a
/// thread of its own (libtorch work is synchronous; dispose scopes are per thread) and stops between steps when
/// cancelled.
/// </summary>
public sealed class TrainEvaluator(TorchWorkshop workshop, int slot) : IEvaluator
{
    public Task<EvaluationResult> EvaluateAsync(Candidate candidate, EvaluationContext context, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(() =>
        {
            var device = TorchDevices.ForSlot(workshop.Options.Device, slot);
            // the same candidate trains the same way wherever and whenever it runs
            var seed = context.Seed ^ (candidate.Id * 1_000_003L);
            var outcome = Trainer.Train(context.Space, candidate.Genotype, workshop.Data, workshop.Options, workshop.Store, seed, device, cancellationToken);
            return new EvaluationResult(outcome.ValidationAccuracy, new Dictionary<string, double>
            {
                ["parameters"] = outcome.Parameters,
                ["trainSeconds"] = outcome.TrainSeconds,
                ["transferSeconds"] = outcome.TransferSeconds,
                ["transferredParameters"] = outcome.TransferredParameters,
                ["finalLoss"] = outcome.FinalLoss,
                ["steps"] = outcome.Steps,
            }, outcome.TransferredLayers);
        }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
