using ActorNas.Actors.Caching;
using ActorNas.Actors.Cluster;
using ActorNas.Actors.Configuration;
using ActorNas.Actors.Evaluators;
using ActorNas.Actors.Persistence;
using ActorNas.Actors.Query;
using Akka.Actor;

namespace ActorNas.Actors.Runtime;

/// <summary>
/// ActorNas inside one ActorSystem (an Akka extension: one per system, <see cref="Get"/>). It reads the typed settings
/// once, adds ActorNas's serializer and persistence plugins to a system someone else owns (as fallback configuration,
/// which never overrides a key the owner set), owns the node's WeightCache (a system actor, started once), the
/// evaluator registry, and the one path that starts or resumes a search (<see cref="PlanAsync"/>).
/// </summary>
/// <remarks>
/// The embedded defaults are not injected into the system: an owner's configuration keeps exactly its own keys
/// (the hosting tests check that), so settings are read with the defaults as the fallback of the read only.
/// </remarks>
public sealed class ActorNasRuntime : IExtension
{
    private readonly ExtendedActorSystem _system;
    private readonly object _cacheLock = new();
    private readonly Lazy<ActorNasSettings> _settings;
    private IActorRef? _weightCache;

    internal ActorNasRuntime(ExtendedActorSystem system)
    {
        _system = system;
        // read when first needed: a worker's system holds only its own cluster settings until the Population hands it the search's
        _settings = new Lazy<ActorNasSettings>(() => ActorNasSettings.From(ActorNasConfig.Combine(system.Settings.Config)));
        // A system someone else owns gets ActorNas's plugins here (its settings are read, and checked, now).
        // As configuration, not Serialization.AddSerializationMap: Akka rebuilds its serializer maps from the configuration
        // whenever a module (Persistence, Streams) injects its defaults, which drops bindings added in code.
        if (!system.Settings.Config.HasPath(PersistenceConfig.JournalPlugin))
            system.Settings.InjectTopLevelFallback(ActorSystemConfig.Serialization.WithFallback(PersistenceConfig.PluginsFor(Settings.Persistence)));
    }

    public static ActorNasRuntime Get(ActorSystem system) => system.WithExtension<ActorNasRuntime, ActorNasRuntimeProvider>();

    /// <summary>The settings of the system's configuration over the embedded defaults, read when the runtime was attached.</summary>
    public ActorNasSettings Settings => _settings.Value;

    /// <summary>Where this system's log is, as its persistence plugins were configured; null for an in-memory journal.</summary>
    public PersistenceSettings? LogPlace => PersistenceConfig.SettingsOf(_system.Settings.Config);

    internal ActorSystem System => _system;

    /// <summary>The evaluators this process can run; add your own before starting a search.</summary>
    public EvaluatorRegistry Evaluators { get; } = new();

    /// <summary>The searches' log, as the system's persistence plugins reach it.</summary>
    public SearchLog Log => new(_system);

    /// <summary>The events this system's Populations wrote lately, which its live readers take without reading them back.</summary>
    internal RecentEvents Recent { get; } = new();

    /// <summary>This node's id: host:port of its remoting address, or machine:process without remoting.</summary>
    public string NodeId => _system.Provider.DefaultAddress is { Host: not null } address
        ? NodeAddress.IdOf(address)
        : $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>
    /// The node's WeightCache: started on first use, with the settings of the first search that needs it, and shared
    /// by every later search of the process. Other nodes find it at <see cref="WeightCacheNode.PathOf"/>.
    /// </summary>
    /// <exception cref="SettingsException">The disk tier's directory cannot be created.</exception>
    public IActorRef WeightCache(WeightCacheSettings settings, string node)
    {
        lock (_cacheLock)
        {
            if (_weightCache is not null) return _weightCache;
            WeightCacheNode.PrepareDisk(settings, node);
            _weightCache = _system.SystemActorOf(WeightCacheActor.Props(settings, node), WeightCacheActor.Name);
            return _weightCache;
        }
    }

    /// <summary>
    /// The one start-or-resume path: takes the SQLite log's lock, reads whether the search exists, layers the recorded
    /// settings under this process's, and prepares the evaluators. The plan then starts the search in this process
    /// (<see cref="SearchPlan.StartHere"/>); a cluster's Population singleton makes its own plan where it runs
    /// (<see cref="ClusterPopulation"/>).
    /// </summary>
    public Task<SearchPlan> PlanAsync(StartRequest request, CancellationToken cancellationToken = default) =>
        SearchPlan.MakeAsync(this, request, cancellationToken);
}

internal sealed class ActorNasRuntimeProvider : ExtensionIdProvider<ActorNasRuntime>
{
    public override ActorNasRuntime CreateExtension(ExtendedActorSystem system) => new(system);
}
