using ActorNas.Actors.Persistence;
using ActorNas.Actors.Protocol;
using ActorNas.Actors.Query;
using ActorNas.Core.Caching;
using ActorNas.Core.Events;
using ActorNas.Core.Evolution;
using ActorNas.Tests.Shared;
using Akka.Actor;
using Akka.Persistence;
using Xunit;
using Xunit.Abstractions;

namespace ActorNas.Actors.Tests;

/// <summary>
/// <see cref="SearchLog.ReadCurrentAsync"/>, what `actornas status` reads, on a real SQLite journal and snapshot store:
/// the newest snapshot plus the events after it give the status a replay of the whole log gives.
/// </summary>
public sealed class CurrentStateTests(ITestOutputHelper output) : SqliteTestKit(output)
{
    private const int Logs = 30;

    [Fact]
    public async Task The_newest_snapshot_plus_the_events_after_it_give_the_status_of_a_full_replay_on_random_logs()
    {
        var random = new Random(21);
        var log = new SearchLog(Sys);
        for (var i = 0; i < Logs; i++)
        {
            var seed = (ulong)random.NextInt64();
            var all = RandomSearchLogs.Generate(seed);
            var end = random.Next(3) == 0 ? all.Count : random.Next(1, all.Count + 1);   // a search still running, or its whole log
            var events = all.Take(end).ToList();
            var newest = random.Next(1, end + 1);
            var older = random.Next(1, newest + 1);
            var id = $"random-{i}";
            await SearchLogWriter.WriteAsync(Sys, id, events);
            // stored in either order: the newest is the one with the highest sequence number
            foreach (var at in random.Next(2) == 0 ? new[] { older, newest } : [newest, older])
                await SaveSnapshotAsync(id, at, SearchState.Replay(events.Take(at)).ToSnapshot());

            var current = await log.ReadCurrentAsync(id) ?? throw new Xunit.Sdk.XunitException($"search {id} was not found");
            var where = $"seed {seed}: {end} events, snapshots after {older} and {newest}";
            Assert.True(newest == current.SnapshotSequenceNr, $"{where}: it started from {current.SnapshotSequenceNr}");
            Assert.Equal(end - newest, current.EventsRead);
            AssertSameStatus(await FullReplayAsync(log, id), current.State, id, where);
        }
    }

    [Fact]
    public async Task A_snapshot_of_an_older_version_without_the_status_figures_makes_it_read_the_whole_log()
    {
        var events = RandomSearchLogs.Generate(5);
        var log = new SearchLog(Sys);
        await SearchLogWriter.WriteAsync(Sys, "old", events);
        var state = SearchState.Replay(events.Take(events.Count - 1));
        // what a snapshot of the version before these figures holds: the same JSON, without "completedAt" and "cache"
        await SaveSnapshotAsync("old", events.Count - 1, state.ToSnapshot() with { Cache = null, CompletedAt = null });

        var current = await log.ReadCurrentAsync("old");
        Assert.NotNull(current);
        Assert.Equal(0, current.SnapshotSequenceNr);
        Assert.Equal(events.Count, current.EventsRead);
        AssertSameStatus(await FullReplayAsync(log, "old"), current.State, "old", "an older snapshot");
    }

    [Fact]
    public async Task A_search_without_a_snapshot_is_read_whole_and_an_unknown_one_is_null()
    {
        var events = RandomSearchLogs.Generate(9);
        var log = new SearchLog(Sys);
        await SearchLogWriter.WriteAsync(Sys, "plain", events);

        var current = await log.ReadCurrentAsync("plain");
        Assert.NotNull(current);
        Assert.Equal((0L, (long)events.Count), (current.SnapshotSequenceNr, current.EventsRead));
        AssertSameStatus(await FullReplayAsync(log, "plain"), current.State, "plain", "no snapshot");
        Assert.Null(await log.ReadCurrentAsync("nobody"));
    }

    /// <summary>Stores a snapshot the way the Population's SaveSnapshot does: through the snapshot-store plugin.</summary>
    private async Task SaveSnapshotAsync(string searchId, long sequenceNr, SearchSnapshot snapshot)
    {
        var store = Akka.Persistence.Persistence.Instance.Apply(Sys).SnapshotStoreFor(PersistenceConfig.SnapshotPlugin);
        var metadata = new SnapshotMetadata(PersistenceConfig.PersistenceId(searchId), sequenceNr, DateTime.UtcNow);
        var answer = await store.Ask<ISnapshotResponse>(new SaveSnapshot(metadata, snapshot), TimeSpan.FromSeconds(30));
        Assert.IsType<SaveSnapshotSuccess>(answer);
    }

    /// <summary>What status read before snapshots carried its figures: every event, folded from the start.</summary>
    private static async Task<(SearchState State, CacheLogSummary Cache, DateTimeOffset? CompletedAt)> FullReplayAsync(SearchLog log, string searchId)
    {
        var state = new SearchState();
        var cache = new CacheLogSummary();
        DateTimeOffset? completedAt = null;
        await log.ReadAsync(searchId, e =>
        {
            state.Apply(e);
            cache.Add(e);
            if (e is SearchCompleted c) completedAt = c.At;
        });
        return (state, cache, completedAt);
    }

    private static void AssertSameStatus((SearchState State, CacheLogSummary Cache, DateTimeOffset? CompletedAt) expected, SearchState actual,
        string searchId, string where)
    {
        var (want, got) = (SearchStatus.Of(searchId, expected.State), SearchStatus.Of(searchId, actual));
        Assert.True(want with { LongestRunning = null } == got with { LongestRunning = null }, $"{where}: {want} but {got}");
        Assert.Equal(want.LongestRunning!, got.LongestRunning!);
        Assert.Equal(expected.CompletedAt, actual.CompletedAt);
        Assert.Equal(expected.Cache.Nodes, actual.CacheByNode!);
    }
}
