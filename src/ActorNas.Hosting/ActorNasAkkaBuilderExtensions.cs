using ActorNas.Actors.Configuration;
using ActorNas.Actors.Persistence;
using ActorNas.Actors.Runtime;
using ActorNas.Core.Spaces;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace ActorNas.Hosting;

/// <summary>ActorNas as part of an Akka.Hosting composition: <c>services.AddAkka("name", (b, sp) => b.WithActorNas(sp, o => ...))</c>.</summary>
public static class ActorNasAkkaBuilderExtensions
{
    /// <summary>
    /// Runs one search in the host's ActorSystem: it starts (or resumes, when its log exists) once the system is up, its
    /// guardian is registered in the ActorRegistry under <see cref="ActorNasSearchKey"/>, and the system's shutdown stops
    /// it first (everything evaluated is already in the log). Only ActorNas's own serializer bindings and persistence
    /// plugins are added to the system, as fallbacks: its default journal, loggers and other settings stay the host's.
    /// </summary>
    public static AkkaConfigurationBuilder WithActorNas(this AkkaConfigurationBuilder builder, IServiceProvider services, Action<ActorNasOptions> configure)
    {
        var options = new ActorNasOptions();
        configure(options);
        return builder.WithActorNas(options, services, ownsSystem: false);
    }

    /// <param name="ownsSystem">The system is ActorNas's alone (<see cref="ActorNasServiceCollectionExtensions.AddActorNas"/>):
    /// its logs go to NLog and ActorNas's journal is its default, as in the command-line tool.</param>
    internal static AkkaConfigurationBuilder WithActorNas(this AkkaConfigurationBuilder builder, ActorNasOptions options, IServiceProvider services, bool ownsSystem)
    {
        const string source = "the ActorNas options";
        if (options.SearchSpace is { } space) SearchSpaces.Register(space);   // before the settings name it
        var text = options.ToHocon();
        var actorNas = SettingsSources.Combine(text, source);
        var settings = SettingsSources.Read(text, source);   // bad options fail here, before anything starts
        if (ownsSystem) builder.AddHocon(ActorSystemConfig.Build(actorNas, settings.Persistence), HoconAddMode.Prepend);
        else builder.AddHocon(actorNas.WithFallback(ActorSystemConfig.Serialization).WithFallback(PersistenceConfig.PluginsFor(settings.Persistence)),
            HoconAddMode.Append);

        builder.AddStartup(async (system, registry) =>
        {
            var handle = services.GetService<ActorNasSearch>();
            try
            {
                if (options.Evaluator is null && options.EvaluatorName == ActorNasOptions.CustomEvaluator)
                    throw new InvalidOperationException("ActorNas needs an evaluator: set options.Evaluator = (services, slot) => new MyEvaluator(...), " +
                        "or options.EvaluatorName to a built-in one (synthetic, tabular)");
                var evaluator = options.Evaluator;
                if (settings.Persistence.Provider == PersistenceProvider.Sqlite)
                    PersistenceConfig.PrepareSqlite(settings.Persistence.SqlitePath, mustExist: false);
                var plan = await ActorNasRuntime.Get(system).PlanAsync(new StartRequest(options.SearchId, StartMode.NewOrResume, text)
                {
                    Where = settings.Persistence.SqlitePath,
                    // the user's evaluator, or one of the runtime's registry by name
                    EvaluatorFactory = evaluator is null ? null : slot => evaluator(services, slot),
                }).ConfigureAwait(false);
                var session = plan.StartHere();
                // the search's actors stop before the system's: its evaluations are in the log, its lock is released
                CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseServiceStop, "actornas-search-" + options.SearchId, async () =>
                {
                    await session.DisposeAsync().ConfigureAwait(false);
                    return Akka.Done.Instance;
                });
                registry.Register<ActorNasSearchKey>(session.Guardian);
                handle?.Started(system, session);
            }
            catch (Exception e)
            {
                handle?.Failed(e);
                throw;
            }
        });
        return builder;
    }
}
