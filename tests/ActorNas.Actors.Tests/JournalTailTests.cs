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
    public async Task A_subscriber_in_the_process_of_the_search_gets_the_events_the_journal_holds_byte_for_byte()
    {
        // the search runs in this ActorSystem: most live events come from its Population's memory, not from the rows
        var session = Start("same", budget: 200, mean: "5ms");
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var live = new List<string>();
        await foreach (var e in new SearchLog(Sys).SubscribeAsync("same", 0, patience.Token))
            live.Add($"{e.SequenceNr} {EventSerializer.ManifestOf(e.Event)} {System.Text.Encoding.UTF8.GetString(EventSerializer.ToBytes(e.Event))}");
        var outcome = await session.Completion.WaitAsync(TimeSpan.FromSeconds(60));
        await session.DisposeAsync();
        Assert.True(outcome.Completed, outcome.Error);

        var logged = new List<string>();
        await foreach (var row in Rows.ReadAsync("same", 0, long.MaxValue, patience.Token))
            logged.Add($"{row.SequenceNr} {row.Manifest} {System.Text.Encoding.UTF8.GetString(row.Payload)}");
        Assert.Equal(logged, live);
    }

    [Fact]
    public async Task Events_held_in_memory_are_taken_from_there_and_the_journal_fills_in_what_memory_lacks()
    {
        await RunAsync("mixed", budget: 30);
        var all = new List<LoggedEvent>();
        await new SearchLog(Sys).ReadWithSequenceNrsAsync("mixed", (seq, e) => all.Add(new LoggedEvent(seq, e)));
        var last = all[^1].SequenceNr;
        // memory holds 5 to 9 and 11 to the end (10 never reached it: a write the journal refused, say);
        // the rows of 5 to 9 and 11 to the end are hidden, so they can only come from memory, and 10 only from the journal
        var recent = new RecentEvents();
        foreach (var e in all.Where(e => e.SequenceNr >= 5 && e.SequenceNr != 10)) recent.Add("mixed", e.SequenceNr, e.Event);
        foreach (var seq in Range(5, last).Where(s => s != 10)) Hide("mixed", seq);
        var tail = new JournalTail(Rows, "mixed", recent) { PollInterval = TimeSpan.FromMilliseconds(20) };
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var got = await CollectAsync(tail.FollowAsync(0, (_, r) => Task.FromResult<Exception>(new InvalidDataException(r)), patience.Token));

        Assert.Equal(Range(1, last), got);
    }

    [Fact]
    public void Memory_keeps_the_newest_events_of_each_search_and_forgets_a_search_whose_population_stopped()
    {
        var recent = new RecentEvents();
        var e = new SearchPaused("test", DateTimeOffset.UnixEpoch);
        for (var seq = 1L; seq <= RecentEvents.Capacity + 10; seq++) recent.Add("a", seq, e);
        var into = new List<LoggedEvent>();

        Assert.Equal(0, recent.CopyFrom("a", 10, into, int.MaxValue));   // overwritten by newer ones
        Assert.Equal(RecentEvents.Capacity, recent.CopyFrom("a", 11, into, int.MaxValue));
        Assert.Equal(Range(11, RecentEvents.Capacity + 10), into.Select(l => l.SequenceNr).ToList());
        into.Clear();
        Assert.Equal(3, recent.CopyFrom("a", 100, into, 3));
        Assert.Equal(0, recent.CopyFrom("b", 100, into, 3));

        recent.Forget("a");
        Assert.Equal(0, recent.CopyFrom("a", 100, into, 3));
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

        // the tail itself, not SearchLog's: the search's events may still be in memory, and this is about the rows
        var tail = new JournalTail(Rows, "slow");
        await using var events = tail.FollowAsync(0, (_, r) => Task.FromResult<Exception>(new InvalidDataException(r)), patience.Token)
            .GetAsyncEnumerator(patience.Token);
        Assert.True(await events.MoveNextAsync());
        Append("slow");
        Assert.True(await CheckpointFinishesAsync(), "a reader that stopped pulling kept the checkpoint from finishing");
    }

    /// <summary>
    /// Whether a checkpoint finishes within a second: another reader of the file (the read journal polls it now and then)
    /// can block one attempt for a moment, where a transaction left open blocks every one.
    /// </summary>
    private async Task<bool> CheckpointFinishesAsync()
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            if (CheckpointBusy() == 0) return true;
            await Task.Delay(100);
        }
        return false;
    }

    [Fact]
    public async Task A_whole_read_hands_its_events_on_with_no_read_transaction_open()
    {
        // what export and analyze do on a running search: the caller works on each event while the search goes on
        await RunAsync("whole", budget: 100);
        var checkpointed = new List<bool>();
        var read = await new SearchLog(Sys).ReadWithSequenceNrsAsync("whole", (seq, _) =>
        {
            if (seq != 1) return;
            Append("whole");
            checkpointed.Add(CheckpointFinishesAsync().GetAwaiter().GetResult());
        });
        Assert.True(read > 100);
        Assert.Equal([true], checkpointed);
    }

    [Fact]
    public async Task Batched_reads_give_every_row_once_in_order_across_batches_and_holes()
    {
        await RunAsync("batches", budget: 30);
        Hide("batches", 10);   // a hole (a deleted or never-written row) inside the second batch
        var whole = new List<long>();
        await foreach (var row in Rows.ReadAsync("batches", 0, long.MaxValue)) whole.Add(row.SequenceNr);

        foreach (var size in new[] { 1, 7, whole.Count, whole.Count + 1 })
        {
            var batched = new List<long>();
            await foreach (var row in Rows.ReadInBatchesAsync("batches", 0, long.MaxValue, size)) batched.Add(row.SequenceNr);
            Assert.Equal(whole, batched);
        }
        var middle = new List<long>();
        await foreach (var row in Rows.ReadInBatchesAsync("batches", 5, 20, batchSize: 4)) middle.Add(row.SequenceNr);
        Assert.Equal(Range(5, 20).Where(s => s != 10), middle);
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
