using ActorNas.Analysis.Output;
using System.CommandLine;
using ActorNas.Actors.Configuration;
using ActorNas.Cli.Hosting;
using ActorNas.Cli.Output;
using ActorNas.Core.Events;

namespace ActorNas.Cli.Commands;

/// <summary>`actornas export`: one CSV row per candidate, from the log.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var db = CliOptions.Db();
        var searchId = CliOptions.SearchId("Search to export");
        var format = new Option<string>("--format") { Description = "Output format: csv", DefaultValueFactory = _ => "csv" };
        var output = new Option<FileInfo>("--out") { Description = "File to write", Required = true };
        var config = CliOptions.Config();
        var verbose = CliOptions.Verbose();
        var command = new Command("export", "Write one row per candidate (DeepHyper-style results.csv columns)") { db, searchId, format, output, config, verbose };
        command.SetAction((parse, cancel) => CommandGuard.RunAsync(parse.GetValue(verbose), json: false, async () =>
        {
            if (parse.GetValue(format) != "csv")
                throw new SettingsException($"--format {parse.GetValue(format)} is not supported; use --format csv");
            var path = parse.GetValue(db)!;
            Logging.Configure(null, path);
            var id = parse.GetValue(searchId) is { } given ? SearchIds.Validate(given)
                : throw new SettingsException("export needs --search-id; `actornas list --db " + path + "` shows the searches");
            await using var store = StoreHost.Open(CliOptions.StoreConfig(parse.GetValue(config)), path, mustExist: true);
            var trace = new CandidateTrace();
            var count = await store.Log.ReadAsync(id, trace.Apply, cancellationToken: cancel);
            if (count == 0 || trace.Started is null)
                throw UnknownSearchException.For(id, path);
            var file = parse.GetValue(output)!;
            CandidatesCsv.Write(trace, file.FullName);
            Console.WriteLine($"wrote {trace.Records.Count} candidates to {file.FullName}");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
