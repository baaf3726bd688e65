using ActorNas.Actors.Configuration;
using ActorNas.Core;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Evolution;
using ActorNas.Core.Growth;
using ActorNas.Core.Spaces.SpiderNet;
using ActorNas.Core.Spaces.Hierarchical;

namespace ActorNas.Actors.Evaluators;

/// <summary>
/// Every evaluator a process knows, by name (<c>actornas.evaluator.name</c>), and the screening proxies it can score.
/// The built-in ones are always there; the TorchSharp ones (the CLI adds them) and a user's own plug in with
/// <see cref="Add"/> and <see cref="AddProxy"/>.
/// </summary>
public sealed class EvaluatorRegistry
{
    private readonly Dictionary<string, Func<EvaluatorSettings, SearchSettings, Func<int, IEvaluator>>> _evaluators = new(StringComparer.Ordinal);
    private readonly Dictionary<ProxyKind, Func<EvaluatorSettings, SearchSettings, Func<Genotype, double>>> _proxies = [];
    private Func<EvaluatorSettings, SearchSettings, RegionWeigher>? _regionWeigher;
    private Func<EvaluatorSettings, SearchSettings, Grower>? _grower;

    public EvaluatorRegistry()
    {
        Add(BuiltInEvaluators.Synthetic, (settings, _) => BuiltInEvaluators.Factory(settings));
        Add(BuiltInEvaluators.Tabular, (settings, _) => BuiltInEvaluators.Factory(settings));
        Add(BuiltInEvaluators.Command, (settings, _) => BuiltInEvaluators.Factory(settings));
    }

    /// <summary>The names in the order they were added, built-in ones first.</summary>
    public IReadOnlyList<string> Names => [.. _evaluators.Keys];

    /// <summary>Adds (or replaces) the evaluator <paramref name="name"/>: <paramref name="factory"/> loads what the slots share,
    /// once per search, and returns the maker of one evaluator per slot.</summary>
    public EvaluatorRegistry Add(string name, Func<EvaluatorSettings, SearchSettings, Func<int, IEvaluator>> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _evaluators[name] = factory;
        return this;
    }

    /// <summary>Adds the scorer of a screening proxy (<c>actornas.search.screening.proxy</c>).</summary>
    public EvaluatorRegistry AddProxy(ProxyKind proxy, Func<EvaluatorSettings, SearchSettings, Func<Genotype, double>> scorer)
    {
        _proxies[proxy] = scorer;
        return this;
    }

    /// <summary>Adds the trainer of the fade proxy's region supernets (<c>actornas.search.strategy = fade</c>).</summary>
    public EvaluatorRegistry AddRegionWeigher(Func<EvaluatorSettings, SearchSettings, RegionWeigher> weigher)
    {
        _regionWeigher = weigher;
        return this;
    }

    /// <summary>Adds the grower of spidernet searches (<c>actornas.space.name = spidernet</c>, <c>actornas.search.growth</c>).</summary>
    public EvaluatorRegistry AddGrower(Func<EvaluatorSettings, SearchSettings, Grower> grower)
    {
        _grower = grower;
        return this;
    }

    /// <summary>
    /// Whatever can fail before the search starts fails here: an unknown name, a bad table, a missing dataset or GPU.
    /// </summary>
    public EvaluatorSetup Prepare(EvaluatorSettings settings, SearchSettings search)
    {
        if (!_evaluators.TryGetValue(settings.Name, out var factory))
            throw new SettingsException($"unknown evaluator \"{settings.Name}\"; evaluators: {string.Join(", ", Names)}");
        var slots = factory(settings, search);
        Func<Genotype, double>? scorer = null;
        if (search.Screening is { IsOn: true } screening && _proxies.TryGetValue(screening.Proxy, out var proxy))
            scorer = proxy(settings, search);
        return new EvaluatorSetup(slots, scorer, RegionWeigherFor(settings, search), GrowerFor(settings, search));
    }

    /// <summary>The grower when the search is a spidernet one, else null; throws when it is and none was added.</summary>
    public Grower? GrowerFor(EvaluatorSettings settings, SearchSettings search)
    {
        if (search.Space.Name != SpiderNetSpace.SpaceName) return null;
        return _grower?.Invoke(settings, search)
            ?? throw new SettingsException("a spidernet search grows its network with libtorch, which this process does not have; " +
                "run it with the actornas CLI, or add ActorNas.Torch's grower to the registry (EvaluatorRegistry.AddGrower)");
    }

    /// <summary>The trainer of fade's region supernets when the search uses the fade proxy, else null; throws when it
    /// does and none was added.</summary>
    public RegionWeigher? RegionWeigherFor(EvaluatorSettings settings, SearchSettings search)
    {
        if (search.Screening is not { IsOn: true, Proxy: ProxyKind.Fade }) return null;
        return _regionWeigher?.Invoke(settings, search)
            ?? throw new SettingsException("the fade strategy trains region supernets with libtorch, which this process does not have; " +
                "run it with the actornas CLI, or add ActorNas.Torch's weigher to the registry (EvaluatorRegistry.AddRegionWeigher)");
    }
}
