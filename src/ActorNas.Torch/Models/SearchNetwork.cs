using TorchSharp;
using static TorchSharp.torch;

namespace ActorNas.Torch.Models;

/// <summary>What the network takes and predicts.</summary>
public sealed record InputShape(int Channels, int Height, int Width, int Classes);

/// <summary>Size of the NAS-Bench-201 network: C channels in the first stage, N cells per stage (the benchmark: 16, 5).</summary>
/// <param name="DenseUnitsCap">Sequential space: when set, no dense layer has more units than this (the narrow copies of
/// the train-free metrics); null: every layer as its genotype says.</param>
public sealed record NetworkSettings(int Nb201Channels = 16, int Nb201CellsPerStage = 5, int? DenseUnitsCap = null);

/// <summary>
/// A unit of weights with a Merkle-style identity: a hash of its own configuration and of the identities of everything
/// it reads from. Two networks share a layer exactly when the identities match. The layer's weights are every
/// parameter and buffer of the network whose name starts with <paramref name="Prefix"/> followed by '.'.
/// </summary>
public sealed record IdentifiedLayer(string Identity, string Prefix, long Parameters);

/// <summary>A network built from a genotype, with the identities of its layers.</summary>
public abstract class SearchNetwork : nn.Module<Tensor, Tensor>
{
    protected SearchNetwork(string name) : base(name) => Training.OneDnnSwitch.ApplyOnce();

    /// <summary>Every layer that holds weights, in forward order.</summary>
    public abstract IReadOnlyList<IdentifiedLayer> Layers { get; }

    /// <summary>
    /// When set, every nonlinearity appends its binary activation pattern (B, units) during forward: ReLU and tanh
    /// units are on when the output is > 0, sigmoid units when it is > 0.5 (used by NASWOT). Null: nothing recorded.
    /// </summary>
    public ActivationRecorder? ActivationRecorder { get; set; }

    /// <summary>
    /// One forward pass of <paramref name="batch"/> in training mode (batch statistics) without gradients, every
    /// nonlinearity's pattern going to <paramref name="recorder"/>: what the train-free metrics (NASWOT, linear regions) read.
    /// </summary>
    public void RecordActivations(Tensor batch, ActivationRecorder recorder)
    {
        ActivationRecorder = recorder;
        try
        {
            train();
            using (no_grad()) forward(batch);
        }
        finally
        {
            ActivationRecorder = null;
        }
    }
}

/// <summary>
/// Receives the binary activation pattern (B, units) of every nonlinearity during a forward pass. This one keeps them
/// all (they belong to the caller's dispose scope); a subclass may fold each one as it comes instead (NASWOT's kernel),
/// so a large network's patterns never need to be held at once.
/// </summary>
public class ActivationRecorder
{
    public List<Tensor> Patterns { get; } = [];

    public virtual void Add(Tensor pattern) => Patterns.Add(pattern);
}
