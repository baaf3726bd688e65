using System.CommandLine;
using System.Globalization;
using ActorNas.Actors.Configuration;
using ActorNas.Actors.Evaluators;
using ActorNas.Actors.Persistence;
using ActorNas.Actors.Runtime;
using ActorNas.Actors.Protocol;
using ActorNas.Cli.Running;
using ActorNas.Cli.Output;
using ActorNas.Core.Simulation;

namespace ActorNas.Cli.Commands;

/// <summary>
/// `actornas simulate`: the search `run` would make, on a virtual clock. The evaluator's answers and durations are
/// known without running anything (tabular, synthetic), so nothing sleeps; the log gets the same events a real run
/// writes, stamped with simulated times from now on, and status, export and analysis read it like any other.
/// </summary>
internal static class SimulateCommand
{
    public static Command Create()
    {
        var flags = new SearchFlags();
        var command = new Command("simulate", "Run a search on a simulated clock (tabular or synthetic evaluator) and record its log");
        flags.AddTo(command);
        command.SetAction((parse, cancel) => CommandGuard.RunAsync(parse.GetValue(flags.Verbose), parse.GetValue(flags.Json), async () =>
        {
            var db = parse.GetValue(flags.Db!)!;
            Logging.Configure(parse.GetValue(flags.LogFile), db);
            var searchId = flags.SearchIdOf(parse);
            var text = flags.SettingsText(parse);
            var requested = SettingsSources.Combine(text, SettingsSources.CommandLine);
            var settings = SettingsSources.Read(text);
            var space = settings.Search.Space.Create();
            if (settings.Search.Screening is { IsOn: true } screening && Core.Evolution.ProxyModel.NeedsScorerFor(screening.Proxy))
                throw new SettingsException($"the {Core.Evolution.ProxyModel.Name(screening.Proxy)} screening proxy builds real networks " +
                    "and cannot run on a simulated clock; use flops or surrogate");
            if (space is Core.Spaces.SpiderNet.SpiderNetSpace)
                throw new SettingsException("a spidernet search grows its network with libtorch between real training rounds and cannot run on a " +
                    "simulated clock; use `actornas run --space spidernet --evaluator train`");
            var evaluator = BuiltInEvaluators.Simulated(settings.Evaluator, space);

            await using var store = StoreHost.Open(requested, db, mustExist: false);
            using var searchLock = store.Persistence.Provider == PersistenceProvider.Sqlite
                ? SearchLock.Acquire(store.Persistence.SqlitePath, searchId) : null;
            if (await store.Log.ReadStartAsync(searchId, cancel).ConfigureAwait(false) is not null)
                throw new SettingsException($"search \"{searchId}\" already exists in {db}; choose another --search-id");

            var start = DateTimeOffset.UtcNow;
            var result = SimulatedSearch.Run(settings.Search, evaluator, settings.Evaluator.Workers, start: start);
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"simulated {result.State.Evaluated} evaluations on {result.Workers} worker(s): {result.Seconds:N0} simulated s, " +
                $"utilisation {result.Utilization:F3}; writing {result.Events.Count:N0} events to {db}")).ConfigureAwait(false);
            await SearchLogWriter.WriteAsync(store.System, searchId, result.Events).ConfigureAwait(false);

            Summary.Print(SearchStatus.Of(searchId, result.State), parse.GetValue(flags.Json), space, start.AddSeconds(result.Seconds),
                BestAccuracy.Of(settings.Evaluator, result.State.Best));
            return result.State.CompletionReason == "budget" ? ExitCodes.Ok : ExitCodes.SearchFailed;
        }));
        return command;
    }
}
