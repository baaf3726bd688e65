using ActorNas.Torch.Models;
using static TorchSharp.torch;

namespace ActorNas.Torch.Training;

/// <summary>
/// The linear-region count (SpiderNet's train-free metric): the on/off pattern of every nonlinear unit (ReLU &gt; 0) of
/// each sample, concatenated; LRC = sum_i 1 / |{j : p_j = p_i}|, which is the number of distinct patterns among the
/// samples, so a sample whose pattern repeats adds nothing new. More is better (the network cuts its input space into
/// more linear pieces).
/// </summary>
public static class LinearRegionCount
{
    /// <summary>The count of <paramref name="network"/> on <paramref name="batch"/> (training mode, no gradients).</summary>
    public static int Of(SearchNetwork network, Tensor batch)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = NewDisposeScope();
        var recorder = new ActivationRecorder();
        network.RecordActivations(batch, recorder);
        if (recorder.Patterns.Count == 0) throw new InvalidOperationException("the network has no nonlinear units to count regions of");
        return Distinct(cat(recorder.Patterns, 1));
    }

    /// <summary>The number of distinct rows of a (B, units) 0/1 pattern matrix.</summary>
    public static int Distinct(Tensor patterns)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        if (patterns.dim() != 2) throw new ArgumentException($"patterns must be (samples, units), got {patterns.dim()} dimensions", nameof(patterns));
        using var scope = NewDisposeScope();
        var samples = (int)patterns.shape[0];
        var units = (int)patterns.shape[1];
        var bits = patterns.gt(0).to_type(ScalarType.Byte).cpu().contiguous().data<byte>().ToArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < samples; i++) seen.Add(Convert.ToBase64String(bits, i * units, units));
        return seen.Count;
    }
}
