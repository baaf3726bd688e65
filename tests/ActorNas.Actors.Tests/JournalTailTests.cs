using ActorNas.Actors.Configuration;
using ActorNas.Actors.Evaluators;
using ActorNas.Actors.Persistence;
using ActorNas.Actors.Query;
using ActorNas.Actors.Search;
using ActorNas.Core.Events;
using Akka.Configuration;
using Microsoft.Data.Sqlite;
using Xunit;
using Xunit.Abstractions;

namespace ActorNas.Actors.Tests;

/// <summary>
/// Following a search's journal rows live (<see cref="JournalTail"/>, behind <see cref="SearchLog.SubscribeAsync"/>), on a
/// real SQLite file: every event once and in order, a row committed late waited for, a row that never comes stepped
/// over, an unreadable row named, and no read transaction held while the reader is slow.
/// </summary>
public sealed class JournalTailTests(ITestOutputHelper output) : SqliteTestKit(output)
{
    private static ActorNasSettings Settings(int budget, string mean) =>
        ActorNasSettings.From(ActorNasConfig.Combine(ConfigurationFactory.ParseString($$"""
            actornas.search { budget = {{budget}}, population-size = 8, sample-size = 3 }
            actornas.evaluator { workers = 2, synthetic { duration = constant, mean = {{mean}} } }
            """)));

    private SearchSession Start(string searchId, int budget, string mean = "1ms")
    {
        var settings = Settings(budget, mean);
        return SearchSession.Start(Sys, new SearchSessionOptions(searchId, settings.Search, true, settings,
            _ => new SyntheticEvaluator(settings.Evaluator.Synthetic), "node"));
    }

    private async Task RunAsync(string searchId, int budget)
    {
        var session = Start(searchId, budget);
        var outcome = await session.Completion.WaitAsync(TimeSpan.FromSeconds(60));
        await session.DisposeAsync();
        Assert.True(outcome.Completed, outcome.Error);
    }

    private JournalRows Rows => new(new PersistenceSettings(PersistenceProvider.Sqlite, DbPath, "", 0));

    private SqliteConnection Writer()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DbPath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    /// <summary>Moves a row to another persistence id (hidden from the search) or back: as if it were not yet committed.</summary>
    private void Move(string fromId, string toId, long sequenceNr)
    {
        using var connection = Writer();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE journal SET persistence_id = $to WHERE persistence_id = $from AND sequence_number = $seq";
        command.Parameters.AddWithValue("$from", fromId);
        command.Parameters.AddWithValue("$to", toId);
        command.Parameters.AddWithValue("$seq", sequenceNr);
        Assert.Equal(1, command.ExecuteNonQuery());
    }

    private void Hide(string searchId, long sequenceNr) => Move(PersistenceConfig.PersistenceId(searchId), "hidden", sequenceNr);

    private void Unhide(string searchId, long sequenceNr) => Move("hidden", PersistenceConfig.PersistenceId(searchId), sequenceNr);

    private static async Task<List<long>> CollectAsync(IAsyncEnumerable<LoggedEvent> events, List<long>? into = null)
    {
        into ??= [];
        await foreach (var e in events)
            lock (into) into.Add(e.SequenceNr);
        return into;
    }

    private static List<long> Range(long from, long to) => [.. Enumerable.Range((int)from, (int)(to - from + 1)).Select(i => (long)i)];

    [Fact]
    public async Task A_subscriber_of_a_running_search_gets_every_event_once_in_order_and_stops_after_completion()
    {
        // more events than one batch, at a pace that makes the subscriber poll an empty tail many times
        var session = Start("live", budget: 300, mean: "5ms");
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var live = await CollectAsync(new SearchLog(Sys).SubscribeAsync("live", 0, patience.Token));
        var outcome = await session.Completion.WaitAsync(TimeSpan.FromSeconds(60));
        await session.DisposeAsync();
        Assert.True(outcome.Completed, outcome.Error);

        var logged = new List<long>();
        var last = await new SearchLog(Sys).ReadWithSequenceNrsAsync("live", (seq, _) => logged.Add(seq));
        Assert.True(last > JournalTail.BatchSize, $"only {last} events: the test should span more than one batch");
        Assert.Equal(logged, live);
        Assert.Equal(Range(1, last), live);

        var tail = await CollectAsync(new SearchLog(Sys).SubscribeAsync("live", 1000, patience.Token));
        Assert.Equal(Range(1001, last), tail);
    }

    [Fact]
    public async Task A_row_committed_after_a_later_one_is_waited_for_not_skipped()
    {
        await RunAsync("late", budget: 20);
        var last = await Rows.HighestSequenceNrAsync("late");
        Hide("late", 10);
        var got = new List<long>();
        var tail = new JournalTail(Rows, "late") { PollInterval = TimeSpan.FromMilliseconds(20), GapPatience = TimeSpan.FromSeconds(30) };
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var reading = CollectAsync(tail.FollowAsync(0, (_, r) => Task.FromResult<Exception>(new InvalidDataException(r)), patience.Token), got);

        await Task.Delay(TimeSpan.FromMilliseconds(500));
        lock (got) Assert.Equal(Range(1, 9), got);
        Unhide("late", 10);

        await reading.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(Range(1, last), got);
    }

    [Fact]
    public async Task A_row_that_never_comes_is_stepped_over_once_the_patience_runs_out()
    {
        await RunAsync("gap", budget: 20);
        var last = await Rows.HighestSequenceNrAsync("gap");
        Hide("gap", 10);
        var tail = new JournalTail(Rows, "gap") { PollInterval = TimeSpan.FromMilliseconds(20), GapPatience = TimeSpan.FromMilliseconds(300) };
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var got = await CollectAsync(tail.FollowAsync(0, (_, r) => Task.FromResult<Exception>(new InvalidDataException(r)), patience.Token));

        Assert.Equal(Range(1, last).Where(s => s != 10), got);
    }

    [Fact]
    public async Task An_unreadable_row_ends_the_subscription_with_the_verdict_that_names_it()
    {
        await RunAsync("broken", budget: 20);
        using (var connection = Writer())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "UPDATE journal SET message = X'7B6E6F7420616E206576656E74' WHERE persistence_id = $pid AND sequence_number = 10";
            command.Parameters.AddWithValue("$pid", PersistenceConfig.PersistenceId("broken"));
            Assert.Equal(1, command.ExecuteNonQuery());
        }
        var got = new List<long>();
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var error = await Assert.ThrowsAsync<UnreadableLogException>(() => CollectAsync(new SearchLog(Sys).SubscribeAsync("broken", 0, patience.Token), got));

        Assert.Equal(10, error.Unreadable.SequenceNr);
        Assert.Equal(Range(1, 9), got);
    }

    [Fact]
    public async Task A_reader_that_stops_pulling_holds_no_read_transaction_so_the_log_can_be_checkpointed()
    {
        await RunAsync("slow", budget: 100);
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        // the control: a query left open mid-way does hold one, and the checkpoint reports itself blocked
        await using (var open = Rows.ReadAsync("slow", 0, long.MaxValue, patience.Token).GetAsyncEnumerator(patience.Token))
        {
            Assert.True(await open.MoveNextAsync());
            Append("slow");
            Assert.Equal(1, CheckpointBusy());
        }

        await using var events = new SearchLog(Sys).SubscribeAsync("slow", 0, patience.Token).GetAsyncEnumerator(patience.Token);
        Assert.True(await events.MoveNextAsync());
        Append("slow");
        Assert.Equal(0, CheckpointBusy());
    }

    /// <summary>A write to the log (a row of another search), so that a checkpoint has pages to move.</summary>
    private void Append(string searchId)
    {
        using var connection = Writer();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE journal SET deleted = deleted WHERE persistence_id = $pid";
        command.Parameters.AddWithValue("$pid", PersistenceConfig.PersistenceId(searchId));
        Assert.True(command.ExecuteNonQuery() > 0);
    }

    /// <summary>PRAGMA wal_checkpoint(TRUNCATE)'s first column: 1 when a reader kept it from finishing.</summary>
    private long CheckpointBusy()
    {
        using var connection = Writer();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        return reader.GetInt64(0);
    }
}
