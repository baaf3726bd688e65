using ActorNas.Actors.Configuration;
using ActorNas.Actors.Evaluators;
using ActorNas.Actors.Persistence;
using ActorNas.Actors.Query;
using ActorNas.Actors.Search;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Events;
using Akka.Actor;
using Akka.Configuration;
using Microsoft.Data.Sqlite;
using Xunit;
using Xunit.Abstractions;

namespace ActorNas.Actors.Tests;

/// <summary>
/// A log with a damaged row, on a real SQLite file: readers name the row, the Population's recovery ends its session
/// at once (no restart loop, nothing appended), and an unreadable snapshot falls back to the journal.
/// </summary>
public sealed class UnreadableLogTests(ITestOutputHelper output) : SqliteTestKit(output)
{
    private static ActorNasSettings Settings(int budget, int snapshotEvery = 1000, string mean = "1ms") =>
        ActorNasSettings.From(ActorNasConfig.Combine(ConfigurationFactory.ParseString($$"""
            actornas.search { budget = {{budget}}, population-size = 8, sample-size = 3 }
            actornas.evaluator { workers = 2, synthetic { duration = constant, mean = {{mean}} } }
            actornas.persistence.snapshot-every = {{snapshotEvery}}
            """)));

    private SearchSession Start(string searchId, ActorNasSettings settings, bool create) =>
        SearchSession.Start(Sys, new SearchSessionOptions(searchId, settings.Search, create, settings,
            _ => new SyntheticEvaluator(settings.Evaluator.Synthetic), "node"));

    private async Task RunAsync(string searchId, ActorNasSettings settings)
    {
        var session = Start(searchId, settings, create: true);
        var outcome = await session.Completion.WaitAsync(TimeSpan.FromSeconds(60));
        await session.DisposeAsync();
        Assert.True(outcome.Completed, outcome.Error);
    }

    private void Overwrite(string file, string sql, long sequenceNr, string searchId)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$pid", PersistenceConfig.PersistenceId(searchId));
        command.Parameters.AddWithValue("$seq", sequenceNr);
        Assert.Equal(1, command.ExecuteNonQuery());
    }

    private void CorruptEvent(string searchId, long sequenceNr) => Overwrite(DbPath,
        "UPDATE journal SET message = X'7B6E6F7420616E206576656E74' WHERE persistence_id = $pid AND sequence_number = $seq", sequenceNr, searchId);

    private JournalRows Rows => new(new PersistenceSettings(PersistenceProvider.Sqlite, DbPath, "", 0));

    [Fact]
    public async Task A_reader_names_the_unreadable_event_with_its_sequence_number_and_type()
    {
        await RunAsync("damaged", Settings(budget: 20));
        var manifest = await ManifestAtAsync("damaged", 10);
        CorruptEvent("damaged", 10);

        var error = await Assert.ThrowsAsync<UnreadableLogException>(() => new SearchLog(Sys).ReadAsync("damaged", _ => { }));

        Assert.Equal(10, error.Unreadable.SequenceNr);
        Assert.Equal(manifest, error.Unreadable.Manifest);
        Assert.Equal(9, error.Unreadable.ReadableBefore);
        Assert.Contains("search \"damaged\"", error.Message);
        Assert.Contains("event 10", error.Message);
        Assert.Contains($"actornas repair --db {DbPath} --search-id damaged --out NEW.db", error.Message);

        var (events, stoppedAt) = await LogCheck.ReadablePrefixAsync(Rows, "damaged");
        Assert.Equal(9, events.Count);
        Assert.Equal(10, stoppedAt!.SequenceNr);
        var skipped = await LogCheck.ReadSkippingAsync(Rows, "damaged", _ => { });
        Assert.Equal([10L], skipped.Select(s => s.SequenceNr));
    }

    [Fact]
    public async Task A_recovery_that_meets_an_unreadable_event_ends_the_session_at_once_and_for_good()
    {
        await RunAsync("stuck", Settings(budget: 20));
        var highest = await Rows.HighestSequenceNrAsync("stuck");
        CorruptEvent("stuck", highest);

        var session = Start("stuck", Settings(budget: 20), create: false);
        var outcome = await session.Completion.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.False(outcome.Completed);
        Assert.True(outcome.LogUnreadable, outcome.Error);
        // the back-off supervisor would start the Population again within 1 s; the whole search is stopped instead
        await AwaitAssertAsync(async () =>
            await Assert.ThrowsAsync<ActorNotFoundException>(() => Sys.ActorSelection($"/user/{SearchGuardian.NameOf("stuck")}").ResolveOne(TimeSpan.FromSeconds(1))),
            TimeSpan.FromSeconds(10));
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(highest, await Rows.HighestSequenceNrAsync("stuck"));
        await session.DisposeAsync();
    }

    [Fact]
    public async Task An_unreadable_snapshot_is_passed_over_and_the_journal_alone_recovers_the_search()
    {
        var settings = Settings(budget: 60, snapshotEvery: 20, mean: "20ms");
        var first = Start("snap", settings, create: true);
        await AwaitConditionAsync(async () => (await first.GetStatusAsync(TimeSpan.FromSeconds(5))).Evaluated >= 20, TimeSpan.FromSeconds(60),
            TimeSpan.FromMilliseconds(100));
        await first.DisposeAsync();
        Assert.False(Core.Evolution.SearchState.Replay(await ReadLogAsync("snap")).IsCompleted, "the first session should stop before the budget");
        var snapshot = await LatestSnapshotAsync("snap");
        Assert.True(snapshot > 0, "no snapshot was saved");
        Overwrite(PersistenceConfig.SnapshotPath(DbPath), "UPDATE snapshot SET snapshot = X'00FF00' WHERE persistence_id = $pid AND sequence_number = $seq",
            snapshot, "snap");

        var second = Start("snap", settings, create: false);
        var outcome = await second.Completion.WaitAsync(TimeSpan.FromSeconds(60));
        await second.DisposeAsync();

        Assert.True(outcome.Completed, outcome.Error);
        Assert.Equal(60, outcome.Status!.Evaluated);
        var log = await ReadLogAsync("snap");
        Assert.Equal(60, Core.Evolution.SearchState.Replay(log).Evaluated);
        Assert.Equal(60, log.OfType<CandidateEvaluated>().Select(e => e.Id).Distinct().Count());
    }

    private async Task<string?> ManifestAtAsync(string searchId, long sequenceNr)
    {
        await foreach (var row in Rows.ReadAsync(searchId))
            if (row.SequenceNr == sequenceNr) return row.Manifest;
        return null;
    }

    private async Task<long> LatestSnapshotAsync(string searchId)
    {
        await using var connection = new SqliteConnection(SqliteFiles.ReadOnlyConnectionString(PersistenceConfig.SnapshotPath(DbPath)));
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(sequence_number), 0) FROM snapshot WHERE persistence_id = $pid";
        command.Parameters.AddWithValue("$pid", PersistenceConfig.PersistenceId(searchId));
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
