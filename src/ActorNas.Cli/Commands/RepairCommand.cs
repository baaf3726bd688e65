using System.CommandLine;
using System.Text.Json;
using ActorNas.Actors.Runtime;
using ActorNas.Actors.Configuration;
using ActorNas.Actors.Persistence;
using ActorNas.Actors.Query;
using ActorNas.Cli.Running;
using ActorNas.Cli.Output;
using ActorNas.Core.Evolution;
using Akka.Configuration;

namespace ActorNas.Cli.Commands;

/// <summary>
/// `actornas repair`: a search whose log holds an event that cannot be read is copied, up to that event, into a new
/// SQLite database whose search resumes. The damaged log is only read (SQLite opened read-only), never changed.
/// </summary>
internal static class RepairCommand
{
    public static Command Create()
    {
        var log = new LogFlags("Search to repair (required)");
        log.Db.Description = "SQLite file holding the damaged search (only read)";
        var output = new Option<string>("--out") { Description = "New SQLite file for the repaired search (must not exist)", Required = true };
        var command = new Command("repair", "Copy the readable events of a damaged search log (those before the first unreadable one) into a new database that resumes")
        {
            output,
        };
        log.AddTo(command);
        command.SetAction((parse, cancel) => CommandGuard.RunAsync(parse.GetValue(log.Verbose), parse.GetValue(log.Json), async () =>
        {
            var path = parse.GetValue(log.Db)!;
            var id = parse.GetValue(log.SearchId) is { } given ? SearchIds.Validate(given)
                : throw new SettingsException("repair needs --search-id: the search the error message named");
            var storeConfig = CliOptions.StoreConfig(parse.GetValue(log.Config));
            var source = StoreHost.ReadPersistence(storeConfig, path) with { ReadOnly = true };
            var target = OutputPaths.CheckNewDatabase("--out", parse.GetValue(output)!, source, force: false);
            Logging.Configure(null, target);   // beside the new database: the damaged one's folder is left as it was

            var holdsJournal = source.Provider == PersistenceProvider.Sqlite
                ? SqliteFiles.HoldsJournal(source.SqlitePath)
                : JournalRows.PostgresHoldsJournal(source.PostgresConnectionString);
            if (!holdsJournal) throw UnknownSearchException.For(id, path);
            var rows = new JournalRows(source);
            var (events, stoppedAt) = await LogCheck.ReadablePrefixAsync(rows, id, cancel);
            if (events.Count == 0 && stoppedAt is null) throw UnknownSearchException.For(id, path);
            if (events.Count == 0)
                throw new StoreException($"{UnreadableLogException.Describe(stoppedAt!, UnreadableLogException.RepairSource(source))}; there is nothing to repair from");

            // a log cut between the events of one decision may lack the completion its last result called for
            var state = new SearchState();
            foreach (var e in events) state.Apply(e);
            var settled = state.Settle(DateTimeOffset.UtcNow);
            var written = events.Concat(settled).ToList();

            var targetConfig = ConfigurationFactory.ParseString("actornas.persistence.provider = sqlite").WithFallback(storeConfig);
            await using (var store = StoreHost.Open(targetConfig, target, mustExist: false))
                await SearchLogWriter.WriteAsync(store.System, id, written);

            var left = stoppedAt is null ? "every event read" : $"left out event {stoppedAt.SequenceNr}{(stoppedAt.Manifest is { } m ? $" ({m})" : "")} " +
                $"and everything after it ({stoppedAt.Reason})";
            Console.WriteLine($"copied {events.Count} events of search {id} into {target}; {left}. Continue with: actornas resume --db {target} --search-id {id}");
            if (parse.GetValue(log.Json))
                Console.WriteLine(JsonSerializer.Serialize(new RepairJson(id, target, events.Count, stoppedAt?.SequenceNr, settled.Count > 0), CliJson.Relaxed.RepairJson));
            return ExitCodes.Ok;
        }));
        return command;
    }
}
