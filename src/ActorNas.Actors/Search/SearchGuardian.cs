using ActorNas.Actors.Caching;
using ActorNas.Actors.Configuration;
using ActorNas.Actors.Evaluators;
using ActorNas.Actors.Mutators;
using ActorNas.Actors.Population;
using ActorNas.Actors.Protocol;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Evolution;
using Akka.Actor;
using Akka.Pattern;
using Akka.Routing;

namespace ActorNas.Actors.Search;

/// <summary>
/// The supervision tree of one search in one process: the Population (restarted with back-off when its journal
/// fails, recovering from the log), a pool of Mutators, and the evaluator slots. A failing evaluator is restarted
/// and never stops the search; a Population that cannot run at all (it says so) stops it.
/// </summary>
public sealed class SearchGuardian : ReceiveActor
{
    public static string NameOf(string searchId) => "search-" + searchId;

    public static Props Props(SearchSessionOptions options, IActorRef listener) =>
        Akka.Actor.Props.Create(() => new SearchGuardian(options, listener));

    public SearchGuardian(SearchSessionOptions options, IActorRef listener)
    {
        var settings = options.Settings;
        var config = options.Config;
        var mutators = Context.ActorOf(
            MutatorActor.Props(config, options.MutantScorer)
                .WithRouter(new RoundRobinPool(settings.MutatorPoolSize)
                    .WithSupervisorStrategy(new OneForOneStrategy(_ => Directive.Restart))),
            MutatorActor.PoolName);

        var population = Context.ActorOf(
            BackoffSupervisor.Props(Backoff.OnStop(
                PopulationActor.Props(options.SearchId, config, options.CreateIfMissing, mutators, listener, settings.Persistence.SnapshotEvery),
                PopulationActor.Name, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 0.2, maxNrOfRetries: -1)),
            PopulationActor.Name + "-supervisor");

        var space = config.Space.Create();
        // one WeightCache per node, shared by every search the process runs; evaluators reach it through the context
        var cache = options.WeightCache is { } weightCache ? new ActorLayerCache(weightCache, settings.WeightCache.Timeout) : null;
        for (var slot = 0; slot < (options.LocalSlots ?? settings.Evaluator.Workers); slot++)
        {
            var context = new EvaluationContext(options.SearchId, space, config.Seed, $"{options.Node}/slot-{slot}", options.Node, slot, cache);
            Context.ActorOf(
                EvaluatorActor.Props(population, options.CreateEvaluator(slot), context, settings.Evaluator.Timeout, settings.Evaluator.RequestRetry),
                EvaluatorActor.NameOf(slot));
        }

        // the Population cannot run (no such search, an unreadable log): restarting it would fail the same way
        Receive<SearchCannotRun>(_ => Sender.Equals(population), _ => Context.Stop(Self));
        ReceiveAny(m => population.Forward(m));
    }

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(maxNrOfRetries: -1, withinTimeRange: Timeout.InfiniteTimeSpan, localOnlyDecider: _ => Directive.Restart);
}

/// <summary>What a process needs to run (or resume) one search.</summary>
/// <param name="CreateIfMissing">true for a new search (`run`); false to resume a search that must exist.</param>
/// <param name="CreateEvaluator">Makes the evaluator of a slot (one instance per slot).</param>
/// <param name="LocalSlots">Evaluator slots in this process; null = actornas.evaluator.workers (a cluster's Population has none).</param>
public sealed record SearchSessionOptions(
    string SearchId,
    SearchConfig Config,
    bool CreateIfMissing,
    ActorNasSettings Settings,
    Func<int, IEvaluator> CreateEvaluator,
    string Node,
    Func<Core.Genotype, double>? MutantScorer = null,
    int? LocalSlots = null)
{
    /// <summary>The node's WeightCache; <see cref="SearchSession.Start"/> starts it (or finds the running one) when unset.</summary>
    public IActorRef? WeightCache { get; init; }
}
