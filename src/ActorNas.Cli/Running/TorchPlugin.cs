using ActorNas.Actors.Configuration;
using ActorNas.Actors.Evaluators;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces.SpiderNet;
using ActorNas.Torch.Evaluators;

namespace ActorNas.Cli.Running;

/// <summary>
/// The TorchSharp evaluators (train, naswot), the naswot, ntk and linear-regions screening proxies, fade's region
/// supernet training and spidernet's growth, plugged into a registry. The evaluator and
/// the proxy of one search share one workshop, so the dataset is loaded once.
/// </summary>
internal static class TorchPlugin
{
    public static EvaluatorRegistry AddTo(EvaluatorRegistry registry)
    {
        var workshops = new WorkshopOnce();
        foreach (var name in TorchEvaluators.Names)
            registry.Add(name, (settings, _) => TorchEvaluators.Factory(settings.Name, workshops.For(settings))!);
        registry.AddProxy(ProxyKind.Naswot, (settings, search) =>
            NaswotScoring.Proxy(workshops.For(settings), search.Space.Create(), search.Seed));
        foreach (var kind in new[] { ProxyKind.Ntk, ProxyKind.LinearRegions })
            registry.AddProxy(kind, (settings, search) =>
                TrainFreeScoring.Proxy(workshops.For(settings), search.Space.Create(), search.Seed, kind));
        registry.AddRegionWeigher((settings, search) => FadeWeighing.Weigher(workshops.For(settings), search.Screening.FadeTraining));
        registry.AddGrower((settings, search) => SpiderGrowing.Grower(workshops.For(settings), (SpiderNetSpace)search.Space.Create(),
            search.Growth ?? throw new InvalidOperationException("a spidernet search without growth settings")));
        return registry;
    }

    /// <summary>One prepared workshop per training options and slot count: a search's evaluator and proxy ask twice.</summary>
    private sealed class WorkshopOnce
    {
        private (TrainingSettings Options, int Slots)? _key;
        private TorchWorkshop? _workshop;

        public TorchWorkshop For(EvaluatorSettings settings)
        {
            var key = (settings.Training, settings.Workers);
            if (_workshop is null || _key != key)
            {
                _workshop = new TorchWorkshop(settings.Training, settings.Workers);
                _workshop.Prepare();   // a missing dataset or GPU fails now, before the search starts
                _key = key;
            }
            return _workshop;
        }
    }
}
