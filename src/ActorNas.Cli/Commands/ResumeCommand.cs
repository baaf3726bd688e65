using System.CommandLine;
using ActorNas.Actors.Configuration;
using ActorNas.Cli.Running;

namespace ActorNas.Cli.Commands;

/// <summary>`actornas resume`: continues a search from its log.</summary>
internal static class ResumeCommand
{
    public static Command Create()
    {
        var log = new LogFlags("Search to resume (may be left out when the database holds one search)");
        var workers = new Option<int?>("--workers") { Description = "Evaluator slots in this process (default: as recorded)" };
        var logFile = CliOptions.LogFile();
        var command = new Command("resume", "Continue a search from its log; in-flight candidates are handed out again")
        {
            workers, logFile,
        };
        log.AddTo(command);
        var web = new WebFlags();
        web.AddTo(command);
        command.SetAction((parse, cancel) => CommandGuard.RunAsync(parse.GetValue(log.Verbose), parse.GetValue(log.Json), async () =>
        {
            var overrides = new HoconOverrides().Set("evaluator.workers", parse.GetValue(workers));
            var fileText = parse.GetValue(log.Config) is { } file ? ActorNasConfig.ReadFile(file.FullName) : "";
            var request = new SearchRequest(
                parse.GetValue(log.SearchId) is { } id ? SearchIds.Validate(id) : null, parse.GetValue(log.Db)!, IsNew: false,
                SettingsText: fileText + "\n" + overrides.Text, parse.GetValue(log.Json), parse.GetValue(logFile), parse.GetValue(log.Config)?.FullName, web.Of(parse));
            return await SearchRunner.RunAsync(request, cancel).ConfigureAwait(false);
        }));
        return command;
    }
}
