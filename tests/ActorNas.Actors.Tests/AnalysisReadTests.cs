using ActorNas.Actors.Persistence;
using ActorNas.Actors.Query;
using ActorNas.Analysis;
using ActorNas.Analysis.Output;
using ActorNas.Core.Events;
using ActorNas.Tests.Shared;
using Microsoft.Data.Sqlite;
using Xunit;
using Xunit.Abstractions;

namespace ActorNas.Actors.Tests;

/// <summary>
/// What `actornas analyze` reads, on a real SQLite journal: the journal's rows read directly give the read journal's
/// events with their sequence numbers, the analysis written from either read is the same byte for byte, and a window
/// (--from-seq, --since) records exactly the candidates proposed inside it.
/// </summary>
public sealed class AnalysisReadTests(ITestOutputHelper output) : SqliteTestKit(output)
{
    [Fact]
    public async Task The_direct_read_gives_the_read_journals_events_in_order_with_their_sequence_numbers()
    {
        var log = new SearchLog(Sys);
        for (var i = 0; i < 8; i++)
        {
            var id = $"random-{i}";
            var events = RandomSearchLogs.Generate((ulong)(300 + i));
            await SearchLogWriter.WriteAsync(Sys, id, events);

            var viaQuery = new List<ISearchEvent>();
            await log.ReadAsync(id, viaQuery.Add);
            var direct = new List<(long SequenceNr, ISearchEvent Event)>();
            Assert.Equal(events.Count, await log.ReadWithSequenceNrsAsync(id, (n, e) => direct.Add((n, e))));
            Assert.Equal(Enumerable.Range(1, events.Count).Select(n => (long)n), direct.Select(d => d.SequenceNr));
            Assert.Equal(viaQuery.Select(Wire), direct.Select(d => Wire(d.Event)));

            var from = 1 + events.Count / 2;
            var tail = new List<(long, ISearchEvent)>();
            await log.ReadWithSequenceNrsAsync(id, (n, e) => tail.Add((n, e)), from);
            Assert.Equal(direct.Skip(from - 1).Select(d => (d.SequenceNr, Wire(d.Event))), tail.Select(t => (t.Item1, Wire(t.Item2))));
        }
        Assert.Equal(0, await log.ReadWithSequenceNrsAsync("nobody", (_, _) => { }));
    }

    [Fact]
    public async Task The_analysis_from_the_direct_read_is_the_one_from_the_read_journal_byte_for_byte()
    {
        var log = new SearchLog(Sys);
        var root = Directory.CreateTempSubdirectory("actornas-analysis-read-");
        try
        {
            // three random logs that hold a real search (some seeds give a search stopped after a few steps)
            var compared = 0;
            for (var i = 0; compared < 3 && i < 20; i++)
            {
                var id = $"analysed-{i}";
                await SearchLogWriter.WriteAsync(Sys, id, RandomSearchLogs.Generate((ulong)(400 + i)));
                var viaQuery = new LogFold();
                await log.ReadAsync(id, viaQuery.Apply);
                var direct = new LogFold();
                await log.ReadWithSequenceNrsAsync(id, direct.Apply);
                Assert.Equal(viaQuery.EventCount, direct.LastSequenceNr);

                var a = Path.Combine(root.FullName, id, "query");
                var b = Path.Combine(root.FullName, id, "direct");
                await AnalysisWriter.WriteAsync(id, viaQuery, new AnalysisSettings(), a, [], "the same source");
                await AnalysisWriter.WriteAsync(id, direct, new AnalysisSettings(), b, [], "the same source");
                foreach (var name in new[] { AnalysisWriter.CandidatesCsvName, AnalysisWriter.LayerRequestsName, AnalysisWriter.CacheStudyName, AnalysisWriter.ReportName })
                    Assert.True(File.ReadAllBytes(Path.Combine(a, name)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(b, name))), $"{id}: {name} differs");
                if (new FileInfo(Path.Combine(a, AnalysisWriter.CandidatesCsvName)).Length > 1000) compared++;
            }
            Assert.Equal(3, compared);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_window_records_exactly_the_candidates_proposed_inside_it_and_the_whole_populations_median()
    {
        var windows = 0;
        for (ulong seed = 500; seed < 530; seed++)
        {
            var events = RandomSearchLogs.Generate(seed);
            var whole = new LogFold();
            for (var n = 0; n < events.Count; n++) whole.Apply(n + 1, events[n]);
            var proposedAt = new Dictionary<long, (long SequenceNr, DateTimeOffset At)>();
            for (var n = 0; n < events.Count; n++)
                if (events[n] is CandidateProposed p) proposedAt[p.Id] = (n + 1, p.At);

            var random = new Random((int)seed);
            var cut = random.Next(1, events.Count + 2);
            var since = whole.Started!.At + TimeSpan.FromSeconds(random.NextDouble() * whole.LastEventTime);
            foreach (var window in new[] { new AnalysisWindow(cut), new AnalysisWindow(1, since), new AnalysisWindow(cut, since) })
            {
                var part = new LogFold(window);
                for (var n = 0; n < events.Count; n++) part.Apply(n + 1, events[n]);
                bool Inside(long id) => window.Contains(proposedAt[id].SequenceNr, proposedAt[id].At);
                var where = $"seed {seed}, {window.Describe()}";

                Assert.True(whole.Trace.Records.Where(r => Inside(r.Id)).SequenceEqual(part.Trace.Records), where);
                Assert.Equal(whole.Proposals.Where(p => Inside(p.Id)).Select(p => p with { Index = 0 }), part.Proposals.Select(p => p with { Index = 0 }));
                Assert.Equal(Enumerable.Range(0, part.Proposals.Count), part.Proposals.Select(p => p.Index));
                var kept = whole.Evaluations.Select((e, k) => (e, k)).Where(x => Inside(x.e.Id)).ToList();
                Assert.Equal(kept.Select(x => x.e), part.Evaluations);
                Assert.Equal(kept.Select(x => whole.PopulationMedian[x.k]), part.PopulationMedian);
                // attempts in the order they ended; those still running (in no particular order) by candidate
                static IEnumerable<WorkerTask> Ordered(IEnumerable<WorkerTask> tasks) =>
                    tasks.Where(t => t.Outcome != TaskOutcome.Unfinished).Concat(tasks.Where(t => t.Outcome == TaskOutcome.Unfinished).OrderBy(t => t.CandidateId));
                Assert.Equal(Ordered(whole.Tasks.Where(t => Inside(t.CandidateId))), Ordered(part.Tasks));
                Assert.Equal((whole.EventCount, whole.LastSequenceNr, whole.LastEventTime), (part.EventCount, part.LastSequenceNr, part.LastEventTime));
                if (part.Proposals.Count > 0 && part.Proposals.Count < whole.Proposals.Count) windows++;
            }
        }
        Assert.True(windows >= 20, $"only {windows} windows cut a log in two");
    }

    [Fact]
    public async Task An_unreadable_row_in_the_direct_read_gives_the_same_verdict_as_the_read_journal()
    {
        var events = RandomSearchLogs.Generate(77);
        await SearchLogWriter.WriteAsync(Sys, "damaged", events);
        await using (var connection = new SqliteConnection($"Data Source={DbPath}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE journal SET message = x'00ff' WHERE persistence_id = $p AND sequence_number = 9";
            command.Parameters.AddWithValue("$p", PersistenceConfig.PersistenceId("damaged"));
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        var log = new SearchLog(Sys);
        var viaQuery = await Assert.ThrowsAsync<UnreadableLogException>(() => log.ReadAsync("damaged", _ => { }));
        var seen = 0L;
        var direct = await Assert.ThrowsAsync<UnreadableLogException>(() => log.ReadWithSequenceNrsAsync("damaged", (n, _) => seen = n));
        Assert.Equal(9, direct.Unreadable.SequenceNr);
        Assert.Equal(8, seen);
        Assert.Equal(viaQuery.Message, direct.Message);
    }

    private static string Wire(ISearchEvent e) => EventSerializer.ManifestOf(e) + " " + System.Text.Encoding.UTF8.GetString(EventSerializer.ToBytes(e));
}
