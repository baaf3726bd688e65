using ActorNas.Actors.Persistence;
using ActorNas.Actors.Query;
using ActorNas.Core.Events;
using ActorNas.Hosting;
using ActorNas.Tests.Shared;
using Akka.Actor;
using Akka.Configuration;
using Akka.Configuration.Hocon;
using Akka.Persistence;
using Xunit;

namespace ActorNas.Hosting.Tests;

/// <summary>ActorNas attached to an ActorSystem its user already owns, with persistence of the user's own.</summary>
public sealed class AttachToExistingSystemTests : IDisposable
{
    private readonly ScratchFolder _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task Attaching_runs_a_search_without_changing_the_owners_configuration_or_persistence()
    {
        var db = _scratch.File("attached.db");
        var userConfig = ConfigurationFactory.ParseString($$"""
            myapp.greeting = hello
            akka.loglevel = WARNING
            akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
            akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
            actornas {
              search { population-size = 8, sample-size = 3, budget = 30, seed = 4 }
              evaluator.workers = 2
              persistence.sqlite.path = "{{db.Replace("\\", "\\\\", StringComparison.Ordinal)}}"
            }
            """);
        using var system = ActorSystem.Create("users-own-system", userConfig);
        var ledger = system.ActorOf(Props.Create(() => new UserLedger()), "ledger");
        Assert.Equal(5, await ledger.Ask<int>(5, TimeSpan.FromSeconds(20)));
        var before = Flatten(system.Settings.Config);
        var serializerForString = system.Serialization.FindSerializerForType(typeof(string)).GetType();
        var serializerForInt = system.Serialization.FindSerializerForType(typeof(int)).GetType();

        var nas = ActorNasExtension.Get(system);
        Assert.Same(nas, ActorNasExtension.Get(system));
        Assert.Equal(30, nas.Settings.Search.Budget);
        await using (var session = await nas.StartSearchAsync("attached", _ => new SumEvaluator()))
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var outcome = await session.Completion.WaitAsync(timeout.Token);
            Assert.True(outcome.Completed, outcome.Error);
            Assert.Equal(30, outcome.Status!.Evaluated);
        }

        // every key the owner's system had keeps its value; ActorNas's keys are its own plugin sections
        var after = Flatten(system.Settings.Config);
        foreach (var (key, value) in before)
            Assert.True(after.TryGetValue(key, out var now) && now == value, $"{key} changed from {value} to {(now ?? "(missing)")}");
        Assert.Equal("akka.persistence.journal.inmem", system.Settings.Config.GetString("akka.persistence.journal.plugin"));
        Assert.Equal("hello", system.Settings.Config.GetString("myapp.greeting"));
        Assert.True(system.Settings.Config.HasPath(PersistenceConfig.JournalPlugin + ".class"));
        Assert.Equal(serializerForString, system.Serialization.FindSerializerForType(typeof(string)).GetType());
        Assert.Equal(serializerForInt, system.Serialization.FindSerializerForType(typeof(int)).GetType());
        // the serializer keys ActorNas adds bind only ActorNas's own types (Akka modules it loads, such as Streams, add their
        // reference defaults too: those are not the owner's settings)
        var ours = after.Keys.Where(k => !before.ContainsKey(k) && k.Contains("actornas", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.NotEmpty(ours);
        Assert.All(ours, k => Assert.True(
            k.StartsWith("akka.persistence.journal.actornas.", StringComparison.Ordinal)
            || k.StartsWith("akka.persistence.snapshot-store.actornas.", StringComparison.Ordinal)
            || k.StartsWith("akka.persistence.query.journal.actornas.", StringComparison.Ordinal)
            || k == "akka.actor.serializers.actornas"
            || k.StartsWith("akka.actor.serialization-bindings.ActorNas.", StringComparison.Ordinal)
            || k.StartsWith("akka.actor.serialization-identifiers.ActorNas.", StringComparison.Ordinal), k));
        Assert.IsType<ActorNas.Actors.Serialization.ActorNasSerializer>(system.Serialization.FindSerializerForType(typeof(CandidateEvaluated)));
        Assert.IsType<ActorNas.Actors.Serialization.ActorNasSerializer>(
            system.Serialization.FindSerializerForType(typeof(ActorNas.Actors.Protocol.WorkAssigned)));

        // the user's persistence still goes to the user's journal, and the search's log to the SQLite file only
        Assert.Equal(12, await ledger.Ask<int>(7, TimeSpan.FromSeconds(20)));
        var events = new List<ISearchEvent>();
        await new SearchLog(system).ReadAsync("attached", events.Add);
        Assert.Equal(30, events.Count(e => e is CandidateEvaluated));
        Assert.Equal(["attached"], await new SearchLog(system).ListSearchIdsAsync());
        await system.Terminate();

        // every row of the log went through ActorNas's serializer (no type names in the journal)
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT DISTINCT identifier FROM journal";
            using var rows = command.ExecuteReader();
            var identifiers = new List<long>();
            while (rows.Read()) identifiers.Add(rows.GetInt64(0));
            Assert.Equal([ActorNas.Actors.Serialization.ActorNasSerializer.Id], identifiers);
        }

        // the log is an ordinary ActorNas database: a separate reader finds the search there
        Assert.Equal(30, (await LogReading.FromSqliteAsync(db, "attached")).Count(e => e is CandidateEvaluated));
    }

    [Fact]
    public void Attaching_reports_bad_actornas_settings_by_key()
    {
        using var system = ActorSystem.Create("bad-settings", ConfigurationFactory.ParseString("actornas.search.population-size = -3"));
        var error = Assert.ThrowsAny<Exception>(() => ActorNasExtension.Get(system));
        Assert.Contains("population-size", error.ToString(), StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Flatten(Config config)
    {
        var leaves = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in config.AsEnumerable()) Walk(key, value, leaves);
        return leaves;
    }

    private static void Walk(string path, HoconValue value, Dictionary<string, string> leaves)
    {
        if (value.IsObject())
        {
            foreach (var (key, child) in value.GetObject().Items) Walk(path + "." + key, child, leaves);
            return;
        }
        leaves[path] = value.ToString();
    }
}
