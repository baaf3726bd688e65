using ActorNas.Actors.Runtime;
using ActorNas.Actors;
using ActorNas.Actors.Configuration;
using ActorNas.Actors.Query;
using ActorNas.Core.Events;
using Akka.Actor;

namespace ActorNas.Tests.Shared;

/// <summary>
/// Reads a whole search log back, in an ActorSystem of its own started and stopped for the purpose, through the same
/// read journal the commands use. One file, compiled into the test projects that check logs (see their csproj).
/// </summary>
internal static class LogReading
{
    public static Task<IReadOnlyList<ISearchEvent>> FromSqliteAsync(string db, string searchId) =>
        ReadAsync(new PersistenceSettings(PersistenceProvider.Sqlite, db, "", 1000), searchId);

    public static Task<IReadOnlyList<ISearchEvent>> FromPostgresAsync(string connectionString, string searchId) =>
        ReadAsync(new PersistenceSettings(PersistenceProvider.PostgreSql, "", connectionString, 1000), searchId);

    public static async Task<IReadOnlyList<ISearchEvent>> ReadAsync(PersistenceSettings persistence, string searchId)
    {
        var system = ActorSystem.Create("log-reader", ActorSystemConfig.Build(ActorNasConfig.Reference, persistence,
            Akka.Configuration.ConfigurationFactory.ParseString("akka.loglevel = WARNING")));
        try
        {
            var events = new List<ISearchEvent>();
            await new SearchLog(system).ReadAsync(searchId, events.Add);
            return events;
        }
        finally
        {
            await system.Terminate();
        }
    }
}
