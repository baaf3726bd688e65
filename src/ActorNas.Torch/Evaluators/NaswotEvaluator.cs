using ActorNas.Core.Evaluation;
using ActorNas.Torch.Training;

namespace ActorNas.Torch.Evaluators;

/// <summary>
/// Thrown when NASWOT's kernel is singular or its score not finite: a failed candidate, not a crash, and final at once
/// (the score is deterministic, so another attempt would fail the same way).
/// </summary>
public sealed class NaswotScoreException(string message) : PermanentEvaluationException(message);

/// <summary>
/// `naswot`: scores an untrained network (Mellor et al.) on one mini-batch of training images, the same batch for every
/// candidate of a search (chosen by the search seed). Higher is better. No training: one forward pass per candidate.
/// </summary>
public sealed class NaswotEvaluator(TorchWorkshop workshop, int slot) : IEvaluator
{
    public Task<EvaluationResult> EvaluateAsync(Candidate candidate, EvaluationContext context, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(() =>
        {
            var scoring = new NaswotScoring(workshop, context.Space, context.Seed, TorchDevices.ForSlot(workshop.Settings.Device, slot));
            var (score, parameters, batchSize) = scoring.Score(candidate.Genotype, context.Seed ^ candidate.Id);
            if (!double.IsFinite(score))
                throw new NaswotScoreException($"NASWOT score of candidate {candidate.Id} is {score}: its activation kernel is singular " +
                    "(for example a cell whose every path is none)");
            return new EvaluationResult(score, new Dictionary<string, double>
            {
                ["parameters"] = parameters,
                ["batchSize"] = batchSize,
            });
        }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
