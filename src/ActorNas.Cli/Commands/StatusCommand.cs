using System.CommandLine;
using System.Text.Json;
using ActorNas.Actors.Runtime;
using ActorNas.Actors.Configuration;
using ActorNas.Actors.Protocol;
using ActorNas.Cli.Running;
using ActorNas.Cli.Output;

namespace ActorNas.Cli.Commands;

/// <summary>
/// `actornas status`: a search read back from its log, its newest snapshot plus the events after it (so a look costs
/// the same on a search's last day as on its first), or from the running cluster with --join.
/// </summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var log = new LogFlags("Search to show (default: every search in the database)");
        var join = new Option<string[]>("--join")
        {
            Description = "Ask a running cluster instead of the log: a node's HOST:PORT; shows the members, their slots and what each evaluates",
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("status", "Show where a search stands, from its log (or from a running cluster with --join)")
        {
            join,
        };
        log.AddTo(command);
        command.SetAction((parse, cancel) => CommandGuard.RunAsync(parse.GetValue(log.Verbose), parse.GetValue(log.Json), async () =>
        {
            if (parse.GetValue(join) is { Length: > 0 } seeds)
            {
                Logging.Configure(null, parse.GetValue(log.Db));
                var fileText = parse.GetValue(log.Config) is { } file ? ActorNasConfig.ReadFile(file.FullName) : "";
                var text = fileText + "\n" + new HoconOverrides().Set("cluster.port", 0).Set("cluster.seed-nodes", seeds).Text;
                return await ClusterStatusReader.RunAsync(text, parse.GetValue(log.Json), cancel);
            }
            var path = parse.GetValue(log.Db)!;
            Logging.Configure(null, path);
            await using var store = StoreHost.OpenForReading(CliOptions.StoreConfig(parse.GetValue(log.Config)), path);
            var ids = parse.GetValue(log.SearchId) is { } one ? [SearchIds.Validate(one)] : await store.Log.ListSearchIdsAsync(cancel);
            var summaries = new List<SearchSummaryJson>();
            foreach (var id in ids)
            {
                var state = (await store.Log.ReadCurrentAsync(id, cancel) ?? throw UnknownSearchException.For(id, path)).State;
                var status = SearchStatus.Of(id, state);
                var cache = state.CacheByNode ?? [];
                Summary.Print(status, json: false, state.Space, state.CompletedAt);
                Summary.PrintCache(cache);
                summaries.Add(Summary.ToJson(status, state.Space, state.CompletedAt) with { Cache = Summary.CacheJson(cache) });
            }
            if (ids.Count == 0) Console.WriteLine($"{(store.Persistence.Provider == PersistenceProvider.Sqlite ? path : store.Where)} holds no search");
            if (parse.GetValue(log.Json))
                Console.WriteLine(summaries.Count == 1
                    ? JsonSerializer.Serialize(summaries[0], CliJson.Relaxed.SearchSummaryJson)
                    : JsonSerializer.Serialize(summaries, CliJson.Relaxed.ListSearchSummaryJson));
            return ExitCodes.Ok;
        }));
        return command;
    }
}
