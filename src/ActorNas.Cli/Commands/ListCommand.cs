using System.CommandLine;
using System.Text.Json;
using ActorNas.Actors.Configuration;
using ActorNas.Cli.Output;
using ActorNas.Cli.Running;

namespace ActorNas.Cli.Commands;

/// <summary>`actornas list`: the ids of the searches in a database, one a line.</summary>
internal static class ListCommand
{
    public static Command Create()
    {
        var log = new LogFlags(searchId: null);
        var command = new Command("list", "List the searches in a database");
        log.AddTo(command);
        command.SetAction((parse, cancel) => CommandGuard.RunAsync(parse.GetValue(log.Verbose), parse.GetValue(log.Json), async () =>
        {
            var path = parse.GetValue(log.Db)!;
            Logging.Configure(null, path);
            await using var store = StoreHost.OpenForReading(CliOptions.StoreConfig(parse.GetValue(log.Config)), path);
            var ids = await store.Log.ListSearchIdsAsync(cancel);
            foreach (var id in ids) Console.WriteLine(id);
            // on stderr: stdout stays one search id a line for scripts
            if (ids.Count == 0)
                await Console.Error.WriteLineAsync($"{(store.Persistence.Provider == PersistenceProvider.Sqlite ? path : store.Where)} holds no search");
            if (parse.GetValue(log.Json)) Console.WriteLine(JsonSerializer.Serialize(ids.ToList(), CliJson.Relaxed.ListString));
            return ExitCodes.Ok;
        }));
        return command;
    }
}
