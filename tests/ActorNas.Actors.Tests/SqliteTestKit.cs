using ActorNas.Actors.Runtime;
using ActorNas.Actors;
using ActorNas.Actors.Configuration;
using ActorNas.Actors.Persistence;
using ActorNas.Actors.Query;
using ActorNas.Core.Events;
using Akka.Configuration;
using Xunit.Abstractions;

namespace ActorNas.Actors.Tests;

/// <summary>A TestKit whose ActorSystem journals to a fresh SQLite file, with ActorNas's serializer bound.</summary>
public abstract class SqliteTestKit : Akka.TestKit.Xunit2.TestKit
{
    protected SqliteTestKit(ITestOutputHelper output, string extraHocon = "")
        : base(BuildConfig(extraHocon, out var path), output: output)
    {
        DbPath = path;
    }

    protected string DbPath { get; }

    private static Config BuildConfig(string extraHocon, out string path)
    {
        path = Path.Combine(Path.GetTempPath(), $"actornas-test-{Guid.NewGuid():N}.db");
        PersistenceConfig.PrepareSqlite(path, mustExist: false);
        var actorNas = ActorNasConfig.Combine(ConfigurationFactory.ParseString(extraHocon));
        var persistence = new PersistenceSettings(PersistenceProvider.Sqlite, path, "", 1000);
        return ConfigurationFactory.ParseString("akka.test.timefactor = 3\nakka.loglevel = WARNING")
            .WithFallback(ActorSystemConfig.Build(actorNas, persistence));
    }

    /// <summary>Every event of a search, read back from the SQLite journal.</summary>
    protected async Task<List<ISearchEvent>> ReadLogAsync(string searchId)
    {
        var events = new List<ISearchEvent>();
        await new SearchLog(Sys).ReadAsync(searchId, events.Add);
        return events;
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        foreach (var suffix in new[] { "", "-wal", "-shm", ".snapshots", ".snapshots-wal", ".snapshots-shm" })
            try { File.Delete(DbPath + suffix); } catch (IOException) { }
    }
}
