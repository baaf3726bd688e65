namespace ActorNas.Core.Evaluation;

public enum OptimizerKind { Sgd, Adam }

/// <summary>
/// Settings of the evaluators that build real networks (HOCON <c>actornas.evaluator.train</c>), as plain data: the
/// TorchSharp code that uses them lives in ActorNas.Torch, so nothing here needs libtorch.
/// </summary>
/// <param name="Dataset">fashion-mnist, cifar10 or synthetic (generated, for tests).</param>
/// <param name="DataDir">Where the dataset's files are; empty: its standard place.</param>
/// <param name="TrainImages">Training images used (0: all).</param>
/// <param name="ValidationImages">Validation images used (0: all).</param>
/// <param name="Device">auto (cuda:K for slot K when CUDA is available, else cpu), cpu, cuda or cuda:K.</param>
/// <param name="Transfer">Start a child from every layer whose identity matches a layer kept from an evaluated model.</param>
/// <param name="FreezeTransferred">Do not train the transferred layers.</param>
/// <param name="WeightCacheMb">Memory (MB) of the weight cache (HOCON actornas.weight-cache.memory-mb); the capacity of the
/// in-process lru cache that training uses when no WeightCache actor is given.</param>
/// <param name="NaswotBatchSize">Images in the mini-batch NASWOT scores a network on (fixed per search).</param>
public sealed record TrainingSettings(
    string Dataset = "fashion-mnist",
    string DataDir = "",
    int TrainImages = 5000,
    int ValidationImages = 1000,
    int Epochs = 1,
    int BatchSize = 64,
    OptimizerKind Optimizer = OptimizerKind.Sgd,
    double LearningRate = 0.05,
    double Momentum = 0.9,
    double WeightDecay = 5e-4,
    string Device = "auto",
    bool Transfer = true,
    bool FreezeTransferred = false,
    int WeightCacheMb = 512,
    int Nb201Channels = 16,
    int Nb201CellsPerStage = 5,
    int NaswotBatchSize = 128)
{
    public static readonly IReadOnlyList<string> Datasets = ["fashion-mnist", "cifar10", "synthetic"];

    public void Validate()
    {
        Require(Datasets.Contains(Dataset), $"actornas.evaluator.train.dataset = \"{Dataset}\" is not one of: {string.Join(", ", Datasets)}");
        Require(TrainImages >= 0 && ValidationImages >= 0, "actornas.evaluator.train.train-images and validation-images must be >= 0 (0 = all)");
        Require(Epochs >= 1, $"actornas.evaluator.train.epochs must be >= 1, got {Epochs}");
        Require(BatchSize >= 1, $"actornas.evaluator.train.batch-size must be >= 1, got {BatchSize}");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), $"actornas.evaluator.train.learning-rate must be a positive number, got {LearningRate}");
        Require(Momentum >= 0 && Momentum < 1, $"actornas.evaluator.train.momentum must be in [0, 1), got {Momentum}");
        Require(WeightDecay >= 0 && double.IsFinite(WeightDecay), $"actornas.evaluator.train.weight-decay must be >= 0, got {WeightDecay}");
        Require(Device is "auto" or "cpu" or "cuda" || (Device.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(Device[5..], out var k) && k >= 0),
            $"actornas.evaluator.train.device = \"{Device}\" is not auto, cpu, cuda or \"cuda:K\" (quote it in HOCON)");
        Require(WeightCacheMb >= 0, $"actornas.weight-cache.memory-mb must be >= 0, got {WeightCacheMb}");
        Require(Nb201Channels >= 1 && Nb201CellsPerStage >= 1, "actornas.evaluator.train.nb201.channels and cells-per-stage must be >= 1");
        Require(NaswotBatchSize >= 2, $"actornas.evaluator.naswot.batch-size must be >= 2, got {NaswotBatchSize}");
    }

    private static void Require(bool ok, string message)
    {
        if (!ok) throw new ArgumentException(message);
    }
}
