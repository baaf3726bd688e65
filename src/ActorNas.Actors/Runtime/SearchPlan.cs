using ActorNas.Actors.Cluster;
using ActorNas.Actors.Configuration;
using ActorNas.Actors.Evaluators;
using ActorNas.Actors.Persistence;
using ActorNas.Actors.Search;

namespace ActorNas.Actors.Runtime;

/// <summary>
/// A search ready to start: whether it is new, the settings it runs with (recorded ones under this process's), its
/// evaluators, this node's id, and the SQLite log's lock, held until the plan is disposed (after the search stops).
/// </summary>
public sealed class SearchPlan : IDisposable
{
    private readonly ActorNasRuntime _runtime;
    private readonly SearchLock? _lock;
    private readonly int? _localSlots;
    private int _disposed;

    private SearchPlan(ActorNasRuntime runtime, SearchLock? searchLock, int? localSlots) =>
        (_runtime, _lock, _localSlots) = (runtime, searchLock, localSlots);

    public required string SearchId { get; init; }
    public required bool IsNew { get; init; }
    public required ActorNasSettings Settings { get; init; }
    public required EvaluatorSetup Evaluators { get; init; }
    public string Node => _runtime.NodeId;

    internal static async Task<SearchPlan> MakeAsync(ActorNasRuntime runtime, StartRequest request, CancellationToken cancel)
    {
        var place = runtime.LogPlace;
        var searchLock = place is { Provider: PersistenceProvider.Sqlite } ? SearchLock.Acquire(place.SqlitePath, request.SearchId) : null;
        try
        {
            var log = runtime.Log;
            var started = await log.ReadStartAsync(request.SearchId, cancel).ConfigureAwait(false);
            if (started is not null && request.Mode == StartMode.New)
            {
                await log.VerifyAsync(request.SearchId, cancellationToken: cancel).ConfigureAwait(false);   // a damaged log says so first
                throw new SettingsException($"search \"{request.SearchId}\" already exists in {request.Where}; continue it with " +
                    $"`{request.ResumeCommand}`, or choose another --search-id");
            }
            if (started is null && request.Mode == StartMode.Resume)
                throw UnknownSearchException.For(request.SearchId, request.Where);

            var settings = started is null
                ? SettingsSources.Read(request.LocalText)
                : SettingsSources.OfRecorded(request.LocalText, started.Config, request.SearchId);
            var evaluators = request.EvaluatorFactory is { } own ? new EvaluatorSetup(own, null, runtime.Evaluators.RegionWeigherFor(settings.Evaluator, settings.Search),
                    runtime.Evaluators.GrowerFor(settings.Evaluator, settings.Search))
                : started is null && request.Evaluators is { } prepared ? prepared
                : runtime.Evaluators.Prepare(settings.Evaluator, settings.Search);
            return new SearchPlan(runtime, searchLock, request.LocalSlots)
            {
                SearchId = request.SearchId, IsNew = started is null, Settings = settings, Evaluators = evaluators,
            };
        }
        catch
        {
            searchLock?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts the search in this process: its Population, Mutators and evaluator slots under one guardian. Disposing the
    /// session also releases this plan's lock.
    /// </summary>
    public SearchSession StartHere()
    {
        var session = SearchSession.Start(_runtime.System, SessionOptions());
        session.Owns(this);
        return session;
    }

    /// <summary>What the Population runs with as a cluster singleton (<see cref="ClusterPopulation"/>): no slots of its own.</summary>
    internal SearchSessionOptions PopulationOptions() => SessionOptions() with { LocalSlots = 0 };

    private SearchSessionOptions SessionOptions() =>
        new(SearchId, Settings.Search, IsNew, Settings, Evaluators.Factory, Node, Evaluators.MutantScorer, _localSlots)
        {
            WeightCache = _runtime.WeightCache(Settings.WeightCache, Node),
            RegionWeigher = Evaluators.RegionWeigher,
            Grower = Evaluators.Grower,
        };

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) _lock?.Dispose();
    }
}
