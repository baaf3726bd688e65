using System.CommandLine;
using System.Text.Json;
using ActorNas.Actors.Runtime;
using ActorNas.Actors.Configuration;
using ActorNas.Actors.Protocol;
using ActorNas.Cli.Running;
using ActorNas.Cli.Output;
using ActorNas.Core.Caching;
using ActorNas.Core.Events;
using ActorNas.Core.Evolution;

namespace ActorNas.Cli.Commands;

/// <summary>`actornas status`: a search read back from its log (or from the running cluster with --join).</summary>
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
                var cache = new CacheLogSummary();
                var (state, lastAt) = await ReadStateAsync(store, id, path, cancel, cache.Add);
                var status = SearchStatus.Of(id, state);
                Summary.Print(status, json: false, state.Space, state.IsCompleted ? lastAt : null);
                Summary.PrintCache(cache.Nodes);
                summaries.Add(Summary.ToJson(status, state.Space, state.IsCompleted ? lastAt : null) with { Cache = Summary.CacheJson(cache.Nodes) });
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

    /// <summary>Folds a search's log into its state; also returns the time of the last event.</summary>
    /// <param name="observe">Sees every event as it is folded (the cache summary of status), or null.</param>
    public static async Task<(SearchState State, DateTimeOffset LastAt)> ReadStateAsync(StoreHost store, string id, string db, CancellationToken cancel,
        Action<ISearchEvent>? observe = null)
    {
        var state = new SearchState();
        var lastAt = DateTimeOffset.MinValue;
        var count = await store.Log.ReadAsync(id, e =>
        {
            state.Apply(e);
            observe?.Invoke(e);
            if (e is SearchCompleted c) lastAt = c.At;
        }, cancellationToken: cancel);
        if (count == 0)
            throw UnknownSearchException.For(id, db);
        return (state, lastAt);
    }
}
