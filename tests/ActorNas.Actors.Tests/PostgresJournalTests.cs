using ActorNas.Actors.Runtime;
using ActorNas.Actors.Configuration;
using ActorNas.Actors.Evaluators;
using ActorNas.Actors.Persistence;
using ActorNas.Actors.Query;
using ActorNas.Actors.Search;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Events;
using ActorNas.Core.Evolution;
using ActorNas.Tests.Shared;
using Akka.Configuration;
using Xunit;
using Xunit.Abstractions;

namespace ActorNas.Actors.Tests;

/// <summary>
/// The same search on a real PostgreSQL server, selected by HOCON. Needs ACTORNAS_TEST_POSTGRES (an Npgsql
/// connection string of an existing database; .ci/run starts a throwaway server and sets it); skipped otherwise.
/// </summary>
public sealed class PostgresJournalTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(BuildConfig(), output: output)
{
    private static readonly string? ConnectionString = Environment.GetEnvironmentVariable("ACTORNAS_TEST_POSTGRES");

    private static Config BuildConfig()
    {
        var provider = string.IsNullOrWhiteSpace(ConnectionString) ? PersistenceProvider.InMemory : PersistenceProvider.PostgreSql;
        var persistence = new PersistenceSettings(provider, "", ConnectionString ?? "", 50);
        return ConfigurationFactory.ParseString("akka.test.timefactor = 3\nakka.loglevel = WARNING")
            .WithFallback(ActorSystemConfig.Build(ActorNasConfig.Reference, persistence));
    }

    [SkippableFact]
    public async Task A_search_logs_to_PostgreSQL_and_resumes_from_it()
    {
        Skip.If(string.IsNullOrWhiteSpace(ConnectionString), "ACTORNAS_TEST_POSTGRES is not set: no PostgreSQL server configured");
        var settings = ActorNasSettings.From(ActorNasConfig.Combine(ConfigurationFactory.ParseString("""
            actornas.search { budget = 150, population-size = 10, sample-size = 3 }
            actornas.evaluator { workers = 4, synthetic { duration = constant, mean = 2ms } }
            actornas.persistence.provider = postgresql
            """)));
        var searchId = "pg-" + Guid.NewGuid().ToString("N")[..12];
        SearchSessionOptions Options(bool create) =>
            new(searchId, settings.Search, create, settings, _ => new SyntheticEvaluator(settings.Evaluator.Synthetic), "node");

        var first = SearchSession.Start(Sys, Options(create: true));
        await AwaitConditionAsync(async () => (await first.GetStatusAsync(TimeSpan.FromSeconds(5))).Evaluated >= 40, TimeSpan.FromSeconds(60));
        await first.DisposeAsync();

        var log = new SearchLog(Sys);
        var before = new List<ISearchEvent>();
        await log.ReadAsync(searchId, before.Add);
        var evaluatedBefore = before.OfType<CandidateEvaluated>().ToDictionary(e => e.Id, e => e.Objective);
        Assert.True(evaluatedBefore.Count >= 40);

        var second = SearchSession.Start(Sys, Options(create: false));
        var outcome = await second.Completion.WaitAsync(TimeSpan.FromSeconds(60));
        await second.DisposeAsync();
        Assert.True(outcome.Completed, outcome.Error);
        Assert.Equal(150, outcome.Status!.Evaluated);

        var after = new List<ISearchEvent>();
        await log.ReadAsync(searchId, after.Add);
        var evaluatedAfter = after.OfType<CandidateEvaluated>().ToDictionary(e => e.Id, e => e.Objective);
        Assert.Equal(150, evaluatedAfter.Count);
        Assert.All(evaluatedBefore, kv => Assert.Equal(kv.Value, evaluatedAfter[kv.Key]));
        Assert.Equal(150, SearchState.Replay(after).Evaluated);
        Assert.Contains(searchId, await log.ListSearchIdsAsync());
    }

    [SkippableFact]
    public async Task A_subscriber_of_a_search_running_on_PostgreSQL_gets_every_event_once_in_order()
    {
        Skip.If(string.IsNullOrWhiteSpace(ConnectionString), "ACTORNAS_TEST_POSTGRES is not set: no PostgreSQL server configured");
        var settings = ActorNasSettings.From(ActorNasConfig.Combine(ConfigurationFactory.ParseString("""
            actornas.search { budget = 300, population-size = 10, sample-size = 3 }
            actornas.evaluator { workers = 2, synthetic { duration = constant, mean = 5ms } }
            actornas.persistence.provider = postgresql
            """)));
        var searchId = "pg-live-" + Guid.NewGuid().ToString("N")[..12];
        var session = SearchSession.Start(Sys, new SearchSessionOptions(searchId, settings.Search, true, settings,
            _ => new SyntheticEvaluator(settings.Evaluator.Synthetic), "node"));
        var log = new SearchLog(Sys);
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(90));

        var live = new List<long>();
        await foreach (var e in log.SubscribeAsync(searchId, 0, patience.Token)) live.Add(e.SequenceNr);
        var outcome = await session.Completion.WaitAsync(TimeSpan.FromSeconds(60));
        await session.DisposeAsync();

        Assert.True(outcome.Completed, outcome.Error);
        var logged = new List<long>();
        await log.ReadWithSequenceNrsAsync(searchId, (seq, _) => logged.Add(seq));
        Assert.True(logged.Count > 1000, $"only {logged.Count} events: the test should span more than one batch");
        Assert.Equal(logged, live);
        Assert.Equal(Enumerable.Range(1, logged.Count).Select(i => (long)i), live);
    }

    [SkippableFact]
    public async Task An_unreadable_event_in_PostgreSQL_is_named_and_the_readable_prefix_is_found()
    {
        Skip.If(string.IsNullOrWhiteSpace(ConnectionString), "ACTORNAS_TEST_POSTGRES is not set: no PostgreSQL server configured");
        var settings = ActorNasSettings.From(ActorNasConfig.Combine(ConfigurationFactory.ParseString("""
            actornas.search { budget = 20, population-size = 5, sample-size = 2 }
            actornas.evaluator { workers = 2, synthetic { duration = constant, mean = 1ms } }
            actornas.persistence.provider = postgresql
            """)));
        var searchId = "pg-damaged-" + Guid.NewGuid().ToString("N")[..12];
        var session = SearchSession.Start(Sys, new SearchSessionOptions(searchId, settings.Search, true, settings,
            _ => new SyntheticEvaluator(settings.Evaluator.Synthetic), "node"));
        Assert.True((await session.Completion.WaitAsync(TimeSpan.FromSeconds(60))).Completed);
        await session.DisposeAsync();

        await using (var connection = new Npgsql.NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE journal SET message = '\\x00ff'::bytea WHERE persistence_id = @p AND sequence_number = 7";
            command.Parameters.AddWithValue("p", PersistenceConfig.PersistenceId(searchId));
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        var error = await Assert.ThrowsAsync<UnreadableLogException>(() => new SearchLog(Sys).ReadAsync(searchId, _ => { }));
        Assert.Equal(7, error.Unreadable.SequenceNr);
        Assert.Contains("PostgreSQL database", error.Message);
        Assert.DoesNotContain("Password", error.Message, StringComparison.OrdinalIgnoreCase);
        var rows = new JournalRows(new PersistenceSettings(PersistenceProvider.PostgreSql, "", ConnectionString!, 0));
        var (events, stoppedAt) = await LogCheck.ReadablePrefixAsync(rows, searchId);
        Assert.Equal(6, events.Count);
        Assert.Equal(7, stoppedAt!.SequenceNr);
        Assert.True(JournalRows.PostgresHoldsJournal(ConnectionString!));
    }

    [SkippableFact]
    public async Task List_seeks_every_search_once_and_the_direct_read_gives_the_read_journals_events_in_PostgreSQL()
    {
        Skip.If(string.IsNullOrWhiteSpace(ConnectionString), "ACTORNAS_TEST_POSTGRES is not set: no PostgreSQL server configured");
        var prefix = "pg-list-" + Guid.NewGuid().ToString("N")[..8];
        string[] ids = [$"{prefix}-b", $"{prefix}-a", $"{prefix}-a-2", $"{prefix}-a_1"];
        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
            await SearchLogWriter.WriteAsync(Sys, id, RandomSearchLogs.Generate((ulong)i + 600));

        // the DISTINCT over every row that the seeks replace; other tests may add searches meanwhile, none removes one
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        await using (var connection = new Npgsql.NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT DISTINCT persistence_id FROM {JournalLayout.JournalTable} WHERE deleted = false";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) distinct.Add(reader.GetString(0));
        }
        var rows = new JournalRows(new PersistenceSettings(PersistenceProvider.PostgreSql, "", ConnectionString!, 0));
        var listed = await rows.PersistenceIdsAsync();
        Assert.Equal(listed.Count, listed.Distinct(StringComparer.Ordinal).Count());
        Assert.Superset(distinct, listed.ToHashSet(StringComparer.Ordinal));
        Assert.All(ids, id => Assert.Single(listed, PersistenceConfig.PersistenceId(id)));
        var log = new SearchLog(Sys);
        Assert.Equal(ids.Order(StringComparer.Ordinal), (await log.ListSearchIdsAsync()).Where(id => id.StartsWith(prefix, StringComparison.Ordinal)));

        foreach (var id in ids)
        {
            var viaQuery = new List<ISearchEvent>();
            await log.ReadAsync(id, viaQuery.Add);
            var direct = new List<(long SequenceNr, ISearchEvent Event)>();
            await log.ReadWithSequenceNrsAsync(id, (n, e) => direct.Add((n, e)));
            Assert.Equal(Enumerable.Range(1, viaQuery.Count).Select(n => (long)n), direct.Select(d => d.SequenceNr));
            Assert.Equal(viaQuery.Select(Wire), direct.Select(d => Wire(d.Event)));
        }
    }

    private static string Wire(ISearchEvent e) => EventSerializer.ManifestOf(e) + " " + System.Text.Encoding.UTF8.GetString(EventSerializer.ToBytes(e));
}
