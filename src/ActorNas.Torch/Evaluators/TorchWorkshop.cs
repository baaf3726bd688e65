using ActorNas.Core.Caching;
using ActorNas.Core.Evaluation;
using ActorNas.Torch.Data;
using ActorNas.Torch.Training;

namespace ActorNas.Torch.Evaluators;

/// <summary>
/// What the evaluator slots of one process share: the dataset (loaded once, on the CPU), an in-process weight cache for
/// transfer when no WeightCache actor is given (<see cref="Core.Evaluation.EvaluationContext.LayerCache"/>), and
/// libtorch's thread count (split between the slots so they do not oversubscribe the cores).
/// </summary>
public sealed class TorchWorkshop : IDisposable
{
    private readonly Lazy<DataSplit> _data;

    public TorchWorkshop(TrainingSettings options, int slots)
    {
        options.Validate();
        Settings = options;
        FallbackCache = options.Transfer && options.WeightCacheMb > 0 ? new InProcessLayerCache(options.WeightCacheMb * 1024L * 1024L) : null;
        _data = new Lazy<DataSplit>(() => DatasetLoader.Load(new DataSettings(options.Dataset,
            string.IsNullOrWhiteSpace(options.DataDir) ? null : options.DataDir, options.TrainImages, options.ValidationImages)));
        if (!TorchSharp.torch.cuda.is_available())
            TorchSharp.torch.set_num_threads(Math.Max(1, Environment.ProcessorCount / Math.Max(1, slots)));
    }

    public TrainingSettings Settings { get; }
    /// <summary>The lru cache of this process used when an evaluation's context names no weight cache; null with transfer off.</summary>
    public InProcessLayerCache? FallbackCache { get; }

    /// <summary>The data, loaded on first use; a missing dataset throws <see cref="DatasetException"/> with the fix.</summary>
    public DataSplit Data => _data.Value;

    /// <summary>
    /// Checks the device and loads the data now, so a missing GPU or dataset stops the command before the search
    /// starts (ArgumentException, DatasetException) instead of failing every evaluation.
    /// </summary>
    public void Prepare()
    {
        _ = TorchDevices.ForSlot(Settings.Device, 0);
        _ = _data.Value;
    }

    public void Dispose()
    {
        if (_data.IsValueCreated) _data.Value.Dispose();
    }
}
