using ActorNas.Actors.Configuration;
using ActorNas.Actors.Persistence;
using ActorNas.Actors.Search;
using ActorNas.Actors;
using ActorNas.Core.Evaluation;
using Akka.Actor;

namespace ActorNas.Hosting;

/// <summary>
/// ActorNas inside an ActorSystem its user already owns. Attaching adds only what is ActorNas's, as fallback configuration
/// (it can never override a key the owner set): its serializer, bound to ActorNas's own message, event and snapshot
/// types, and its persistence plugins under their own ids
/// (<see cref="PersistenceConfig.JournalPlugin"/> and the others). The system's default journal, snapshot store,
/// serializers, loggers and every other key stay as its owner configured them.
/// </summary>
/// <remarks>
/// Settings are the system's <c>actornas</c> section over ActorNas's embedded defaults (docs/configuration.md). The
/// log's database is prepared when the extension is first taken (SQLite: the file is created and put in WAL mode).
/// </remarks>
public sealed class ActorNasExtension : IExtension
{
    private readonly ActorSystem _system;

    internal ActorNasExtension(ExtendedActorSystem system)
    {
        _system = system;
        Settings = ActorNasSettings.From(ActorNasConfig.Combine(system.Settings.Config));
        if (Settings.Persistence.Provider == PersistenceProvider.Sqlite)
            PersistenceConfig.PrepareSqlite(Settings.Persistence.SqlitePath, mustExist: false);
        // As configuration, not Serialization.AddSerializationMap: Akka rebuilds its serializer maps from the configuration
        // whenever a module (Persistence, Streams) injects its defaults, which drops bindings added in code.
        system.Settings.InjectTopLevelFallback(ActorSystemConfig.Serialization.WithFallback(PersistenceConfig.PluginsFor(Settings.Persistence)));
    }

    /// <summary>Attaches ActorNas to <paramref name="system"/> (once; later calls return the same extension).</summary>
    public static ActorNasExtension Get(ActorSystem system) => system.WithExtension<ActorNasExtension, ActorNasExtensionProvider>();

    /// <summary>The settings read from the system's configuration when ActorNas was attached.</summary>
    public ActorNasSettings Settings { get; }

    /// <summary>
    /// Starts the search <paramref name="searchId"/> with <see cref="Settings"/>, or resumes it (with the settings it was
    /// started with) when its log already exists. <paramref name="evaluators"/> makes the evaluator of each slot.
    /// Dispose the session to stop the search's actors; the ActorSystem stays the owner's.
    /// </summary>
    public Task<SearchSession> StartSearchAsync(string searchId, Func<int, IEvaluator> evaluators, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(searchId);
        ArgumentNullException.ThrowIfNull(evaluators);
        return SearchStarter.StartOrResumeAsync(_system, Settings, searchId, evaluators, cancellationToken);
    }

    /// <summary>
    /// The persisted events of <paramref name="searchId"/> in order, starting after <paramref name="afterSequenceNr"/>
    /// (0: from the start), then live as they are written, each exactly once, until the search completes or the token
    /// is cancelled. A slow reader slows the stream; nothing is dropped.
    /// </summary>
    public IAsyncEnumerable<LoggedEvent> SubscribeAsync(string searchId, long afterSequenceNr = 0, CancellationToken cancellationToken = default) =>
        EventSubscription.ReadAsync(_system, searchId, afterSequenceNr, cancellationToken);
}

internal sealed class ActorNasExtensionProvider : ExtensionIdProvider<ActorNasExtension>
{
    public override ActorNasExtension CreateExtension(ExtendedActorSystem system) => new(system);
}
