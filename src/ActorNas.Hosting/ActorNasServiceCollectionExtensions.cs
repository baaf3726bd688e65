using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace ActorNas.Hosting;

public static class ActorNasServiceCollectionExtensions
{
    /// <summary>
    /// Runs one search with the host, for users who do not know Akka: an ActorSystem of ActorNas's own (Akka.Hosting's
    /// <c>AddAkka</c> with <see cref="ActorNasAkkaBuilderExtensions.WithActorNas"/>) starts and stops with the host, the
    /// log is the SQLite file in the options, and <see cref="ActorNasSearch"/> is the search's handle.
    /// </summary>
    public static IServiceCollection AddActorNas(this IServiceCollection services, Action<ActorNasOptions> configure)
    {
        var options = new ActorNasOptions();
        configure(options);
        services.AddSingleton(options);
        services.AddSingleton(new ActorNasSearch(options.SearchId));
        services.AddAkka(Actors.Runtime.ActorSystemConfig.SystemName, (builder, provider) => builder.WithActorNas(options, provider, ownsSystem: true));
        return services;
    }
}
