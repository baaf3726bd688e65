using ActorNas.Actors.Configuration;
using ActorNas.Actors.Persistence;
using ActorNas.Actors.Runtime;
using ActorNas.Actors.Search;
using ActorNas.Core.Spaces;
using Akka.Actor;
using Microsoft.Extensions.Hosting;

namespace ActorNas.Hosting;

/// <summary>
/// Starts the ActorSystem and the search with the host, and stops them with it: the search's actors first (everything
/// evaluated is already persisted), then the ActorSystem through CoordinatedShutdown. A search that already exists in
/// the database is resumed, with the settings recorded with it under the options.
/// </summary>
internal sealed class ActorNasHostedService(ActorNasOptions options, ActorNasSearch search, IServiceProvider services) : IHostedService
{
    private ActorSystem? _system;
    private SearchSession? _session;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (options.SearchSpace is { } space) SearchSpaces.Register(space);
            var evaluator = options.Evaluator ?? throw new InvalidOperationException(
                "AddActorNas needs an evaluator: set options.Evaluator = (services, slot) => new MyEvaluator(...)");
            var text = options.ToHocon();
            var settings = SettingsLayers.Read(text, "the ActorNas options");
            PersistenceConfig.PrepareSqlite(settings.Persistence.SqlitePath, mustExist: false);
            _system = ActorNasSystem.Create(SettingsLayers.Combine(text, "the ActorNas options"), settings.Persistence);

            var plan = await ActorNasRuntime.Get(_system).PlanAsync(new StartRequest(options.SearchId, StartMode.NewOrResume, text)
            {
                Where = settings.Persistence.SqlitePath,
                EvaluatorFactory = slot => evaluator(services, slot),
            }, cancellationToken).ConfigureAwait(false);
            _session = plan.StartHere();
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
