using ActorNas.Actors;
using ActorNas.Actors.Configuration;
using ActorNas.Actors.Persistence;
using ActorNas.Actors.Query;
using ActorNas.Actors.Search;
using Akka.Actor;
using Microsoft.Extensions.Hosting;

namespace ActorNas.Hosting;

/// <summary>
/// Starts the ActorSystem and the search with the host, and stops them with it: the search's actors first (everything
/// evaluated is already persisted), then the ActorSystem through CoordinatedShutdown. A search that already exists in
/// the database is resumed.
/// </summary>
internal sealed class ActorNasHostedService(ActorNasOptions options, ActorNasSearch search, IServiceProvider services) : IHostedService
{
    private ActorSystem? _system;
    private SearchSession? _session;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var evaluator = options.Evaluator ?? throw new InvalidOperationException(
                "AddActorNas needs an evaluator: set options.Evaluator = (services, slot) => new MyEvaluator(...)");
            var text = options.ToHocon();
            var config = ActorNasConfig.Combine(ActorNasConfig.Parse(text, "the ActorNas options"));
            var settings = ActorNasSettings.From(config, text);
            PersistenceConfig.PrepareSqlite(settings.Persistence.SqlitePath, mustExist: false);
            _system = ActorSystem.Create(ActorSystemConfig.SystemName, ActorSystemConfig.Build(config, settings.Persistence));

            var started = await new SearchLog(_system).ReadStartAsync(options.SearchId, cancellationToken).ConfigureAwait(false);
            var searchConfig = started?.Config ?? settings.Search;
            _session = SearchSession.Start(_system, new SearchSessionOptions(options.SearchId, searchConfig, CreateIfMissing: started is null,
                settings, slot => evaluator(services, slot), $"{Environment.MachineName}:{Environment.ProcessId}"));
            search.Started(_system, _session);
        }
        catch (Exception e)
        {
            search.Failed(e);
            throw;
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_session is not null) await _session.DisposeAsync().ConfigureAwait(false);
        if (_system is not null)
            await CoordinatedShutdown.Get(_system).Run(CoordinatedShutdown.ClrExitReason.Instance).ConfigureAwait(false);
    }
}
