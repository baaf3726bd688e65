using System.CommandLine;
using ActorNas.Actors.Configuration;
using ActorNas.Cli.Running;

namespace ActorNas.Cli.Commands;

/// <summary>`actornas run`: starts a new search. Flags become HOCON overrides, recorded with the search for resume.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var flags = new SearchFlags();
        var command = new Command("run", "Start a new search");
        flags.AddTo(command);
        var web = new WebFlags();
        web.AddTo(command);
        command.SetAction((parse, cancel) => CommandGuard.RunAsync(parse.GetValue(flags.Verbose), parse.GetValue(flags.Json), async () =>
        {
            var request = new SearchRequest(flags.SearchIdOf(parse), parse.GetValue(flags.Db!)!, IsNew: true,
                flags.SettingsText(parse), parse.GetValue(flags.Json), parse.GetValue(flags.LogFile), parse.GetValue(flags.Config)?.FullName, web.Of(parse));
            return await SearchRunner.RunAsync(request, cancel).ConfigureAwait(false);
        }));
        return command;
    }
}
