using ActorNas.Actors.Runtime;
using System.Diagnostics;
using ActorNas.Actors;
using ActorNas.Actors.Configuration;
using ActorNas.Actors.Persistence;
using ActorNas.Actors.Query;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Evolution;
using ActorNas.Core.Simulation;
using ActorNas.Core.Spaces;
using Akka.Actor;
using Microsoft.Data.Sqlite;

namespace ActorNas.Benchmarks;

/// <summary>
/// What reading a whole log row by row costs: the check a resume runs beside the search
/// (actornas.persistence.check-on-resume), the diagnosis behind the unreadable-log verdict, and `repair`'s read, all
/// through <see cref="LogCheck"/>; beside it the read journal every reading command uses, and SQLite's online backup
/// of the same file (`actornas backup`).
/// </summary>
internal static class LogCheckBenchmark
{
    private const string SearchId = "bench-check";

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var budget = options.Budget ?? (options.Quick ? 5_000 : 100_000);
        using var scratch = new ScratchDirectory();
        var db = scratch.File("check.db");
        var config = new SearchSettings
        {
            Space = new SearchSpaceSpec(Nb201Space.SpaceName), PopulationSize = 100, SampleSize = 25, Budget = budget, Seed = 1, Evaluator = "synthetic",
        };
        var evaluator = new SyntheticSimulator(new SyntheticSettings(DurationKind.LogNormal, 1000, 0.5), config.Space.Create());
        var events = SimulatedSearch.Run(config, evaluator, workers: 32).Events;

        var actorNas = BenchSettings.For(1, db);
        var persistence = ActorNasSettings.From(actorNas).Persistence;
        PersistenceConfig.PrepareSqlite(db, mustExist: false);
        var system = ActorSystem.Create(ActorSystemConfig.SystemName, ActorSystemConfig.Build(actorNas, persistence));
        try
        {
            await SearchLogWriter.WriteAsync(system, SearchId, events);
            Console.WriteLine($"log-check: {budget:N0} evaluations, {events.Count:N0} events, {new FileInfo(db).Length / 1e6:F0} MB");

            var clock = Stopwatch.StartNew();
            var found = await LogCheck.FirstUnreadableAsync(new JournalRows(persistence), SearchId);
            var check = clock.Elapsed.TotalSeconds;
            if (found is not null) throw new InvalidOperationException($"the fresh log has an unreadable event: {found}");
            Console.WriteLine($"  row by row (deserialize and fold every event): {check:F2} s = {events.Count / check:N0} events/s");

            clock.Restart();
            var read = await new SearchLog(system).ReadAsync(SearchId, _ => { });
            var journal = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"  the read journal (status, export, analyze): {read:N0} events in {journal:F2} s = {read / journal:N0} events/s");

            clock.Restart();
            using (var source = new SqliteConnection(SqliteFiles.ReadOnlyConnectionString(db)))
            using (var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = scratch.File("copy.db"), Pooling = false }.ToString()))
            {
                source.Open();
                copy.Open();
                source.BackupDatabase(copy);
            }
            var backup = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"  SQLite online backup of the file: {backup:F2} s");

            Console.WriteLine(new BenchJson()
                .Add("events", events.Count, 0).Add("checkSeconds", check, 2).Add("checkEventsPerSecond", events.Count / check, 0)
                .Add("readJournalSeconds", journal, 2).Add("backupSeconds", backup, 2));
            return 0;
        }
        finally
        {
            await system.Terminate();
        }
    }
}
