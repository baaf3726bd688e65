using System.CommandLine;
using ActorNas.Actors.Runtime;
using ActorNas.Actors.Configuration;
using ActorNas.Actors.Persistence;
using ActorNas.Actors.Query;
using ActorNas.Analysis.Output;
using ActorNas.Cli.Running;
using ActorNas.Core.Events;

namespace ActorNas.Cli.Commands;

/// <summary>`actornas export`: one CSV row per candidate, from the log.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var log = new LogFlags("Search to export", json: false);
        var format = new Option<string>("--format") { Description = "Output format: csv", DefaultValueFactory = _ => "csv" };
        var output = new Option<string>("--out") { Description = "File to write (never the database or a file beside it)", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace --out if it exists" };
        var skipUnreadable = new Option<bool>("--skip-unreadable")
        {
            Description = "Export what can be read from a damaged log: leave out the events that cannot be read (named on stderr)",
        };
        var command = new Command("export", "Write one row per candidate (DeepHyper-style results.csv columns)")
        {
            format, output, force, skipUnreadable,
        };
        log.AddTo(command);
        command.SetAction((parse, cancel) => CommandGuard.RunAsync(parse.GetValue(log.Verbose), json: false, async () =>
        {
            if (parse.GetValue(format) != "csv")
                throw new SettingsException($"--format {parse.GetValue(format)} is not supported; use --format csv");
            var path = parse.GetValue(log.Db)!;
            var id = parse.GetValue(log.SearchId) is { } given ? SearchIds.Validate(given)
                : throw new SettingsException("export needs --search-id; `actornas list --db " + path + "` shows the searches");
            var storeConfig = CliOptions.StoreConfig(parse.GetValue(log.Config));
            // checked before anything is opened or logged: a refused --out leaves every file as it was
            var file = OutputPaths.CheckFile("--out", parse.GetValue(output)!, StoreHost.ReadPersistence(storeConfig, path), parse.GetValue(force));
            Logging.Configure(null, path);
            await using var store = StoreHost.OpenForReading(storeConfig, path);
            var trace = new CandidateTrace();
            if (parse.GetValue(skipUnreadable)) await ReadSkippingAsync(store, id, trace, cancel);
            else await store.Log.ReadAsync(id, trace.Apply, cancellationToken: cancel);
            if (trace.Started is null)
                throw UnknownSearchException.For(id, path);
            CandidatesCsv.Write(trace, file);
            Console.WriteLine($"wrote {trace.Records.Count} candidates to {file}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>Reads the rows underneath the read journal, so that one unreadable event does not stop the export.</summary>
    private static async Task ReadSkippingAsync(StoreHost store, string id, CandidateTrace trace, CancellationToken cancel)
    {
        if (store.Log == SearchLog.Empty) return;
        var skipped = await LogCheck.ReadSkippingAsync(new JournalRows(store.Persistence), id, trace.Apply, cancel);
        if (skipped.Count == 0) return;
        var numbers = string.Join(", ", skipped.Take(20).Select(s => s.SequenceNr));
        await Console.Error.WriteLineAsync($"skipped {skipped.Count} unreadable event(s) of search {id}, sequence numbers {numbers}" +
            $"{(skipped.Count > 20 ? ", ..." : "")}; the candidates they describe may be missing or incomplete in the export");
    }
}
