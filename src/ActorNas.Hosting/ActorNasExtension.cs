using ActorNas.Actors.Query;
using ActorNas.Actors.Configuration;
using ActorNas.Actors.Persistence;
using ActorNas.Actors.Runtime;
using ActorNas.Actors.Search;
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
/// A thin face of <see cref="ActorNasRuntime"/>: settings are the system's <c>actornas</c> section over ActorNas's
/// embedded defaults (docs/configuration.md). The log's database is prepared when the extension is first taken
/// (SQLite: the file is created and put in WAL mode).
/// </remarks>
public sealed class ActorNasExtension : IExtension
{
    private readonly ActorNasRuntime _runtime;
    private readonly ActorSystem _system;

    internal ActorNasExtension(ExtendedActorSystem system)
    {
        _system = system;
        _runtime = ActorNasRuntime.Get(system);
        if (Settings.Persistence.Provider == PersistenceProvider.Sqlite)
            PersistenceConfig.PrepareSqlite(Settings.Persistence.SqlitePath, mustExist: false);
    }

    /// <summary>Attaches ActorNas to <paramref name="system"/> (once; later calls return the same extension).</summary>
    public static ActorNasExtension Get(ActorSystem system) => system.WithExtension<ActorNasExtension, ActorNasExtensionProvider>();

    /// <summary>The settings read from the system's configuration when ActorNas was attached.</summary>
    public ActorNasSettings Settings => _runtime.Settings;

    /// <summary>
    /// Starts the search <paramref name="searchId"/> with <see cref="Settings"/>, or resumes it (with the settings it was
    /// started with, under the system's) when its log already exists. <paramref name="evaluators"/> makes the evaluator
    /// of each slot. Dispose the session to stop the search's actors; the ActorSystem stays the owner's.
    /// </summary>
    public async Task<SearchSession> StartSearchAsync(string searchId, Func<int, IEvaluator> evaluators, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(searchId);
        ArgumentNullException.ThrowIfNull(evaluators);
        var plan = await _runtime.PlanAsync(new StartRequest(searchId, StartMode.NewOrResume, RecordedSettings.SectionOf(_system.Settings.Config))
        {
            Where = Settings.Persistence.Provider == PersistenceProvider.Sqlite ? Settings.Persistence.SqlitePath : "the log",
            EvaluatorFactory = evaluators,
        }, cancellationToken).ConfigureAwait(false);
        return plan.StartHere();
    }

    /// <summary>
    /// The persisted events of <paramref name="searchId"/> in order, starting after <paramref name="afterSequenceNr"/>
    /// (0: from the start), then live as they are written, each exactly once, until the search completes or the token
    /// is cancelled. A slow reader slows the stream; nothing is dropped.
    /// </summary>
    public IAsyncEnumerable<LoggedEvent> SubscribeAsync(string searchId, long afterSequenceNr = 0, CancellationToken cancellationToken = default) =>
        _runtime.Log.SubscribeAsync(searchId, afterSequenceNr, cancellationToken);
}

internal sealed class ActorNasExtensionProvider : ExtensionIdProvider<ActorNasExtension>
{
    public override ActorNasExtension CreateExtension(ExtendedActorSystem system) => new(system);
}
