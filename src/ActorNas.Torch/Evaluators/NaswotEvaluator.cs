using ActorNas.Core.Evaluation;
using ActorNas.Torch.Models;
using ActorNas.Torch.Training;
using static TorchSharp.torch;

namespace ActorNas.Torch.Evaluators;

/// <summary>Thrown when NASWOT's kernel is singular or its score not finite: a failed attempt, not a crash.</summary>
public sealed class NaswotScoreException(string message) : Exception(message);

/// <summary>
/// `naswot`: scores an untrained network (Mellor et al.) on one mini-batch of training images, the same batch for every
/// candidate of a search (chosen by the search seed). Higher is better. No training, so a score takes milliseconds.
/// </summary>
public sealed class NaswotEvaluator(TorchWorkshop workshop, int slot) : IEvaluator
{
    public Task<EvaluationResult> EvaluateAsync(Candidate candidate, EvaluationContext context, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(() =>
        {
            using var scope = NewDisposeScope();
            var device = TorchDevices.ForSlot(workshop.Options.Device, slot);
            var train = workshop.Data.Train;
            var batchSize = Math.Min(workshop.Options.NaswotBatchSize, train.Count);
            using var generator = new Generator((ulong)context.Seed);
            var index = randperm(train.Count, generator: generator).narrow(0, 0, batchSize);
            var batch = train.Images.index_select(0, index).to(device);
            var input = new InputShape(train.Channels, train.Height, train.Width, train.Classes);
            var options = new NetworkOptions(workshop.Options.Nb201Channels, workshop.Options.Nb201CellsPerStage);
            using var network = Trainer.Build(context.Space, candidate.Genotype, input, options, context.Seed ^ candidate.Id, device);
            var score = Naswot.Score(network, batch);
            if (!double.IsFinite(score))
                throw new NaswotScoreException($"NASWOT score of candidate {candidate.Id} is {score}: its activation kernel is singular " +
                    "(for example a cell whose every path is none)");
            return new EvaluationResult(score, new Dictionary<string, double>
            {
                ["parameters"] = network.parameters().Sum(p => p.NumberOfElements),
                ["batchSize"] = batchSize,
            });
        }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
