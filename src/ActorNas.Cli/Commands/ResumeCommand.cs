using System.CommandLine;
using ActorNas.Actors.Configuration;
using ActorNas.Cli.Running;

namespace ActorNas.Cli.Commands;

/// <summary>`actornas resume`: continues a search from its log.</summary>
internal static class ResumeCommand
{
    public static Command Create()
    {
        var db = CliOptions.Db();
        var searchId = CliOptions.SearchId("Search to resume (may be left out when the database holds one search)");
        var workers = new Option<int?>("--workers") { Description = "Evaluator slots in this process (default: as recorded)" };
        var config = CliOptions.Config();
        var json = CliOptions.Json();
        var verbose = CliOptions.Verbose();
        var logFile = CliOptions.LogFile();
        var command = new Command("resume", "Continue a search from its log; in-flight candidates are handed out again")
        {
            db, searchId, workers, config, json, verbose, logFile,
        };
        command.SetAction((parse, cancel) => CommandGuard.RunAsync(parse.GetValue(verbose), parse.GetValue(json), async () =>
        {
            var overrides = new HoconOverrides().Set("evaluator.workers", parse.GetValue(workers));
            var fileText = parse.GetValue(config) is { } file ? ActorNasConfig.ReadFile(file.FullName) : "";
            var request = new SearchRequest(
                parse.GetValue(searchId) is { } id ? SearchIds.Validate(id) : null, parse.GetValue(db)!, IsNew: false,
                SettingsText: fileText + "\n" + overrides.Text, parse.GetValue(json), parse.GetValue(logFile), parse.GetValue(config)?.FullName);
            return await SearchRunner.RunAsync(request, cancel).ConfigureAwait(false);
        }));
        return command;
    }
}
