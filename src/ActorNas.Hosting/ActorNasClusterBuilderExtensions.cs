using ActorNas.Actors.Cluster;
using ActorNas.Actors.Configuration;
using ActorNas.Actors.Persistence;
using ActorNas.Actors.Runtime;
using ActorNas.Core.Spaces;
using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Event;
using Akka.Hosting;

namespace ActorNas.Hosting;

/// <summary>
/// A cluster search's nodes as Akka.Hosting compositions: <c>WithActorNasPopulation</c> for a node that may run the
/// Population (the singleton comes from Akka.Cluster.Hosting's <c>WithSingleton</c>), <c>WithActorNasWorker</c> for a node of
/// evaluator slots. The same nodes as `actornas seed` and `actornas worker`, which they interoperate with.
/// </summary>
/// <remarks>
/// ActorNas configures the node's remoting and cluster (address, seeds, role, split-brain resolver, the refusing
/// serializer for wire safety): do not add <c>WithRemoting</c> or <c>WithClustering</c> too. The system must be named
/// <see cref="ActorSystemConfig.SystemName"/>, as the nodes' addresses say: <c>services.AddAkka("actornas", ...)</c>.
/// </remarks>
public static class ActorNasClusterBuilderExtensions
{
    private const string Source = "the ActorNas options";

    /// <summary>
    /// A population node: it runs the Population while it is the oldest one (recovering it from the shared PostgreSQL log
    /// when it moves here), and registers a proxy to it under <see cref="ActorNasPopulationKey"/>. A search that exists
    /// continues with its recorded settings; a new one starts from <paramref name="search"/>.
    /// </summary>
    public static AkkaConfigurationBuilder WithActorNasPopulation(this AkkaConfigurationBuilder builder, IServiceProvider services,
        Action<ActorNasOptions> search, Action<ActorNasNodeOptions>? node = null)
    {
        var options = new ActorNasOptions();
        search(options);
        var nodeOptions = new ActorNasNodeOptions();
        node?.Invoke(nodeOptions);
        if (options.SearchSpace is { } space) SearchSpaces.Register(space);   // before the settings name it

        var text = options.ToHocon();
        var settings = SettingsSources.Read(text, Source);   // bad options fail here, before anything starts
        ClusterSettings.RequireSharedLog(settings.Persistence.Provider, "Set options.PostgresConnectionString (docs/cluster.md).");
        var (cluster, actorNas) = SettingsSources.Cluster(nodeOptions.ToHocon(), SettingsSources.Combine(text, Source));
        builder.AddHocon(ActorSystemConfig.Build(actorNas, settings.Persistence, cluster.AkkaConfig(ClusterSettings.PopulationRole, actorNas), logToNLog: false),
            HoconAddMode.Prepend);

        var evaluator = options.Evaluator;
        var request = new StartRequest(options.SearchId, StartMode.NewOrResume, text)
        {
            Where = "PostgreSQL",
            EvaluatorFactory = evaluator is null ? null : slot => evaluator(services, slot),
        };
        ClusterSearch? running = null;
        builder.WithSingleton<ActorNasPopulationKey>(ClusterSettings.SingletonManagerName, ClusterSettings.SingletonName,
            (system, _, _) =>
            {
                RequireSystemName(system);
                running = ClusterSearch.Prepare(system, request, cluster.LeaseTimeout);
                return running.PopulationProps;
            },
            new ClusterSingletonOptions { Role = ClusterSettings.PopulationRole, TerminationMessage = PoisonPill.Instance },
            createProxyToo: true);

        builder.AddStartup(async (system, registry) =>
        {
            var search = running ?? throw new InvalidOperationException("the Population singleton was not set up before the host started");
            search.Connect(registry.Get<ActorNasPopulationKey>());
            _ = search.LocalOutcome.ContinueWith(t => Report(system, t.Result), TaskContinuationOptions.OnlyOnRanToCompletion);
            await ClusterNode.WaitUntilUpAsync(system, cluster.SeedNodes, cluster.JoinTimeout, CancellationToken.None).ConfigureAwait(false);
        });
        return builder;
    }

    /// <summary>
    /// A worker node: once it is a member, it asks the Population for the search and runs evaluator slots that pull its
    /// work (the evaluator recorded with the search, or <see cref="ActorNasNodeOptions.Evaluator"/>); they are registered
    /// under <see cref="ActorNasWorkerKey"/>. When the search is over the node leaves the cluster, which stops its system
    /// (and, with Akka.Hosting's defaults, the host).
    /// </summary>
    public static AkkaConfigurationBuilder WithActorNasWorker(this AkkaConfigurationBuilder builder, IServiceProvider services,
        Action<ActorNasNodeOptions> configure)
    {
        var options = new ActorNasNodeOptions();
        configure(options);
        var text = options.ToHocon();
        var (cluster, actorNas) = SettingsSources.Cluster(text);
        if (cluster.SeedNodes.Count == 0)
            throw new SettingsException("a worker needs a population node to join: set options.SeedNodes to its HOST:PORT");
        var noLog = new PersistenceSettings(PersistenceProvider.InMemory, "", "", 1000);
        builder.AddHocon(ActorSystemConfig.Build(actorNas, noLog, cluster.AkkaConfig(ClusterSettings.EvaluatorRole, actorNas), logToNLog: false),
            HoconAddMode.Prepend);
        builder.WithSingletonProxy<ActorNasPopulationKey>(ClusterSettings.SingletonManagerName, ClusterSettings.SingletonName,
            new ClusterSingletonOptions { Role = ClusterSettings.PopulationRole });

        var evaluator = options.Evaluator;
        builder.AddStartup(async (system, registry) =>
        {
            RequireSystemName(system);
            await ClusterNode.WaitUntilUpAsync(system, cluster.SeedNodes, cluster.JoinTimeout, CancellationToken.None).ConfigureAwait(false);
            var worker = await ClusterWorker.StartAsync(system, registry.Get<ActorNasPopulationKey>(), text, options.Slots,
                evaluator is null ? null : slot => evaluator(services, slot), CancellationToken.None).ConfigureAwait(false);
            registry.Register<ActorNasWorkerKey>(worker.Evaluators);
            // the search is over: leave, so that the population nodes stop waiting for this one
            _ = worker.Done.ContinueWith(_ => ClusterNode.LeaveAsync(system), TaskScheduler.Default);
        });
        return builder;
    }

    private static void RequireSystemName(ActorSystem system)
    {
        if (system.Name != ActorSystemConfig.SystemName)
            throw new InvalidOperationException($"a node of a cluster search must run in an ActorSystem named \"{ActorSystemConfig.SystemName}\" " +
                $"(the nodes' addresses name it), not \"{system.Name}\": services.AddAkka(\"{ActorSystemConfig.SystemName}\", ...)");
    }

    private static void Report(ActorSystem system, Actors.Search.SearchOutcome outcome)
    {
        var log = Logging.GetLogger(system, nameof(ActorNasClusterBuilderExtensions));
        if (outcome.Error is { } error) log.Error("the Population on this node cannot run the search: {0}", error);
        else log.Info("the search is over: {0}", outcome.Status?.CompletionReason);
    }
}
