using ActorNas.Core.Spaces.Hierarchical;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ActorNas.Torch.Models;

/// <summary>
/// FaDE's supernet over a <see cref="Region"/>: each stage runs its conv once, then every candidate cell (each with its
/// own weights) on the conv's output, and outputs Σ_c softmax(α_s)_c · cell_c, then pools; the head is shared. With
/// α_s one-hot (log-weights 0 and -∞) a stage is exactly its chosen candidate, so the supernet computes the standalone
/// <see cref="HierarchicalNetwork"/> of that choice on the same weights (<see cref="StandaloneState"/>).
/// <para>Parameter names: <c>stage_{s}.conv</c>, <c>stage_{s}.candidates.{c}.edge_{u}_{v}</c>, <c>stage_{s}.alpha</c>,
/// <c>head</c>. α_s starts uniform in [0, 1) from libtorch's generator, after the weights.</para>
/// </summary>
public sealed class RegionSupernet : nn.Module<Tensor, Tensor>
{
    private readonly RegionStage[] _stages;
    private readonly Linear _head;

    public RegionSupernet(Region region, InputShape input) : base(nameof(RegionSupernet))
    {
        ArgumentNullException.ThrowIfNull(region);
        Training.OneDnnSwitch.ApplyOnce();
        var settings = region.Space.Settings;
        HierarchicalNetwork.CheckInput(settings, input);
        Region = region;

        _stages = new RegionStage[region.Stages];
        var channels = settings.InputChannels;
        for (var s = 0; s < region.Stages; s++)
        {
            var cells = region.CandidatesAt(s)
                .Select(g => new HierarchicalCell(region.Space.Catalogue.Graphs[g], settings.Channels[s], settings.Kernel, settings.Normalise, () => null))
                .ToArray();
            _stages[s] = new RegionStage(channels, settings.Channels[s], settings.Kernel, settings.Pools[s], settings.PoolPadding[s], cells);
            register_module(HierarchicalNetwork.StageName(s), _stages[s]);
            channels = settings.Channels[s];
        }
        _head = nn.Linear(HierarchicalNetwork.HeadFeatures(settings), settings.Classes);
        register_module(HierarchicalNetwork.HeadName, _head);
        foreach (var stage in _stages) stage.InitialiseAlpha();
    }

    public Region Region { get; }

    /// <summary>α_s of every stage (the architecture parameters).</summary>
    public IReadOnlyList<Parameter> Alphas => [.. _stages.Select(s => s.Alpha)];

    /// <summary>Every parameter but the α (the weights).</summary>
    public IReadOnlyList<Parameter> Weights
    {
        get
        {
            var alphas = Alphas.Select(a => a.Handle).ToHashSet();
            return [.. parameters().Where(p => !alphas.Contains(p.Handle))];
        }
    }

    /// <summary>softmax(α_s) per stage, in the region's candidate order.</summary>
    public IReadOnlyList<IReadOnlyList<double>> CandidateWeights()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return [.. _stages.Select(s => (IReadOnlyList<double>)[.. s.Alpha.softmax(0).to(ScalarType.Float64).cpu().data<double>()])];
    }

    /// <summary>Sets α_s to one-hot log-weights (0 at <c>choice[s]</c>, -∞ elsewhere): the supernet then is that architecture.</summary>
    public void SelectOnly(IReadOnlyList<int> choice)
    {
        if (choice.Count != _stages.Length) throw new ArgumentException($"a choice names one candidate per stage ({_stages.Length})");
        using var noGrad = no_grad();
        for (var s = 0; s < _stages.Length; s++)
        {
            var alpha = _stages[s].Alpha;
            alpha.fill_(double.NegativeInfinity);
            alpha[choice[s]] = tensor(0f);
        }
    }

    /// <summary>
    /// The weights of the standalone network of <paramref name="choice"/> (candidate <c>choice[s]</c> at stage s), under
    /// the standalone network's parameter names: load them into it with <c>load_state_dict</c>.
    /// </summary>
    public Dictionary<string, Tensor> StandaloneState(IReadOnlyList<int> choice)
    {
        if (choice.Count != _stages.Length) throw new ArgumentException($"a choice names one candidate per stage ({_stages.Length})");
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, value) in state_dict())
        {
            var parts = name.Split('.');
            if (parts[0] == HierarchicalNetwork.HeadName) { state[name] = value; continue; }
            var s = int.Parse(parts[0]["stage_".Length..], System.Globalization.CultureInfo.InvariantCulture);
            if (parts[1] == HierarchicalNetwork.ConvName) state[name] = value;
            else if (parts[1] == RegionStage.CandidatesName && parts[2] == choice[s].ToString(System.Globalization.CultureInfo.InvariantCulture))
                state[string.Join('.', [parts[0], HierarchicalNetwork.CellName, .. parts[3..]])] = value;
        }
        return state;
    }

    // submodules are registered by name above
    protected override void RegisterComponents() { }

    public override Tensor forward(Tensor x)
    {
        var h = x;
        foreach (var stage in _stages) h = stage.forward(h);
        return _head.forward(h.flatten(1));
    }
}

/// <summary>One stage of the supernet: the conv, the candidates weighted by softmax(α), the pool.</summary>
internal sealed class RegionStage : nn.Module<Tensor, Tensor>
{
    public const string CandidatesName = "candidates";
    public const string AlphaName = "alpha";

    private readonly Conv2d _conv;
    private readonly ModuleList<HierarchicalCell> _candidates;
    private readonly int _pool;
    private readonly int _padding;

    public RegionStage(long input, long output, int kernel, int pool, int padding, HierarchicalCell[] candidates) : base(nameof(RegionStage))
    {
        _conv = nn.Conv2d(input, output, kernel, padding: kernel / 2);
        _candidates = new ModuleList<HierarchicalCell>(candidates);
        _pool = pool;
        _padding = padding;
        Alpha = new Parameter(zeros(candidates.Length));
        register_module(HierarchicalNetwork.ConvName, _conv);
        register_module(CandidatesName, _candidates);
        register_parameter(AlphaName, Alpha);
    }

    public Parameter Alpha { get; }

    /// <summary>α ~ U(0, 1), drawn after every weight of the supernet so the weights match a standalone build's order.</summary>
    public void InitialiseAlpha()
    {
        using var noGrad = no_grad();
        Alpha.copy_(rand(Alpha.shape));
    }

    protected override void RegisterComponents() { }

    public override Tensor forward(Tensor x)
    {
        var h = _conv.forward(x);
        var weights = Alpha.softmax(0);
        Tensor? sum = null;
        for (var c = 0; c < _candidates.Count; c++)
        {
            var weighted = _candidates[c].forward(h) * weights[c];
            sum = sum is null ? weighted : sum + weighted;
        }
        return _pool == 1 && _padding == 0 ? sum! : nn.functional.max_pool2d(sum!, _pool, _pool, _padding);
    }
}
