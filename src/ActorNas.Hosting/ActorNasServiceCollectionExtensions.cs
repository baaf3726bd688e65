using Microsoft.Extensions.DependencyInjection;

namespace ActorNas.Hosting;

public static class ActorNasServiceCollectionExtensions
{
    /// <summary>
    /// Runs one search with the host: the ActorSystem starts and stops with it (CoordinatedShutdown), the log is the
    /// SQLite file in the options, and <see cref="ActorNasSearch"/> is the search's handle.
    /// </summary>
    public static IServiceCollection AddActorNas(this IServiceCollection services, Action<ActorNasOptions> configure)
    {
        var options = new ActorNasOptions();
        configure(options);
        services.AddSingleton(options);
        services.AddSingleton(new ActorNasSearch(options.SearchId));
        services.AddHostedService<ActorNasHostedService>();
        return services;
    }
}
