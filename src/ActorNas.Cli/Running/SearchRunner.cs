using ActorNas.Actors.Configuration;
using ActorNas.Actors.Evaluators;
using ActorNas.Actors.Persistence;
using ActorNas.Actors.Runtime;
using ActorNas.Actors.Protocol;
using ActorNas.Actors.Search;
using ActorNas.Cli.Output;
using Akka.Actor;
using ActorNas.Web;
using NLog;

namespace ActorNas.Cli.Running;

/// <param name="ConfigPath">The --config file, for the resume command a message names (a PostgreSQL log is found through it).</param>
/// <param name="Web">--web: serve the live page of this search from this process; null without it.</param>
internal sealed record SearchRequest(string? SearchId, string Db, bool IsNew, string SettingsText, bool Json, string? LogFile, string? ConfigPath = null,
    WebOptions? Web = null)
{
    /// <summary>The command that continues this search, as a message tells the user to run it.</summary>
    public string ResumeCommand(string searchId, PersistenceProvider provider) => provider == PersistenceProvider.PostgreSql
        ? $"actornas resume --config {ConfigPath ?? "FILE"} --search-id {searchId}"
        : $"actornas resume --db {Db} --search-id {searchId}";
}

/// <summary>Runs or resumes one search in this process until it completes or Ctrl+C.</summary>
internal static class SearchRunner
{
    private static readonly Logger Log = LogManager.GetCurrentClassLogger();

    public static async Task<int> RunAsync(SearchRequest request, CancellationToken cancel)
    {
        Logging.Configure(request.LogFile, request.Db);
        var settingsText = request.IsNew ? CheckpointFolder.WithDefault(request.SettingsText, request.Db) : request.SettingsText;
        var requested = SettingsSources.Combine(settingsText, SettingsSources.CommandLine);
        // a new search's settings and evaluator (its table, say) are checked before the database is touched
        var registry = TorchPlugin.AddTo(new EvaluatorRegistry());
        var prepared = request.IsNew && SettingsSources.Read(settingsText) is var fresh
            ? registry.Prepare(fresh.Evaluator, fresh.Search) : null;

        await using var store = StoreHost.Open(requested, request.Db, mustExist: !request.IsNew);
        var searchId = request.SearchId ?? await store.OnlySearchAsync(request.Db, cancel).ConfigureAwait(false);
        var runtime = ActorNasRuntime.Get(store.System);
        TorchPlugin.AddTo(runtime.Evaluators);
        using var plan = await runtime.PlanAsync(new StartRequest(searchId, request.IsNew ? StartMode.New : StartMode.Resume, settingsText)
        {
            Where = request.Db,
            ResumeCommand = request.ResumeCommand(searchId, store.Persistence.Provider),
            Evaluators = prepared,
        }, cancel).ConfigureAwait(false);
        var settings = plan.Settings;

        Log.Info("{0} search {1} in {2} with {3} worker(s) on {4}", request.IsNew ? "starting" : "resuming", searchId,
            request.Db, settings.Evaluator.Workers, plan.Node);
        // the page listens before the search starts, so that it shows even the first events of a short search
        SearchSession? started = null;
        await using var web = await WebPage.StartAsync(request.Web, store.Log, request.Db, searchId, new DelegateControl(
            (reason, timeout) => started!.PauseAsync(reason, timeout), timeout => started!.ResumeAsync(timeout),
            (reason, timeout) => started!.StopAsync(reason, timeout)), cancel).ConfigureAwait(false);
        var session = started = plan.StartHere();

        using var stopCheck = new CancellationTokenSource();
        var logCheck = request.IsNew || !store.Persistence.CheckOnResume
            ? Task.FromResult<Actors.Query.UnreadableLogException?>(null) : LogGuard.CheckInBackground(store, searchId, stopCheck.Token);
        bool Unreadable() => logCheck.IsCompletedSuccessfully && logCheck.Result is not null;
        if (!request.IsNew) await ResumeIfPausedAsync(session, searchId).ConfigureAwait(false);

        SearchStatus? last = null;
        var display = ProgressDisplay.Create(settings.ProgressInterval);
        await display.RunAsync(async update =>
        {
            while (!session.Completion.IsCompleted && !cancel.IsCancellationRequested && !Unreadable())
            {
                try
                {
                    last = await session.GetStatusAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
                    update(last);
                }
                catch (AskTimeoutException)
                {
                    // the Population is recovering or busy; ask again
                }
                await Task.WhenAny(session.Completion, logCheck.IsCompleted ? session.Completion : logCheck, Task.Delay(250, cancel)).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);

        if (Unreadable())
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw logCheck.Result!;
        }

        if (!session.Completion.IsCompleted)
        {
            await stopCheck.CancelAsync().ConfigureAwait(false);
            await session.DisposeAsync().ConfigureAwait(false);
            await Console.Error.WriteLineAsync($"interrupted; everything evaluated is recorded. Continue with: " +
                request.ResumeCommand(searchId, store.Persistence.Provider)).ConfigureAwait(false);
            // from the log as the stopped actors left it: evaluations that finished while stopping are counted too
            if (await RecordedStatusAsync(store, searchId).ConfigureAwait(false) is { } recorded)
                Summary.Print(recorded, request.Json, settings.Search.Space.Create(), accuracy: BestAccuracy.Of(settings.Evaluator, recorded.Best));
            return ExitCodes.Interrupted;
        }

        var outcome = await session.Completion.ConfigureAwait(false);
        await session.DisposeAsync().ConfigureAwait(false);
        if (outcome.LogFault is { } fault)
            throw LogFaultMessage.For(fault, outcome.Error!, store.Persistence, request.ResumeCommand(searchId, store.Persistence.Provider));
        if (outcome.LogUnreadable)
            throw await LogGuard.RecoveryFailedAsync(store, searchId, outcome).ConfigureAwait(false);
        if (outcome.Error is { } error)
            throw new UnknownSearchException(error);
        if (await logCheck.ConfigureAwait(false) is { } late)
            throw late;   // the search ended before the check of its older events did: it still must not look healthy
        Summary.Print(outcome.Status!, request.Json, settings.Search.Space.Create(), accuracy: BestAccuracy.Of(settings.Evaluator, outcome.Status!.Best));
        return outcome.Status!.CompletionReason == "budget" ? ExitCodes.Ok : ExitCodes.SearchFailed;
    }

    /// <summary>The search's status from its log (newest snapshot plus the events after it), or null when the log cannot be read now.</summary>
    private static async Task<SearchStatus?> RecordedStatusAsync(StoreHost store, string searchId)
    {
        try
        {
            return await store.Log.ReadCurrentAsync(searchId).ConfigureAwait(false) is { State: var state } ? SearchStatus.Of(searchId, state) : null;
        }
        catch (Exception e)
        {
            Log.Warn(e, "could not read search {0} back for its summary", searchId);
            return null;
        }
    }

    /// <summary>`resume` means "continue": a search its owner paused (through the embedding API) is resumed, and said so.</summary>
    private static async Task ResumeIfPausedAsync(SearchSession session, string searchId)
    {
        // a Population that cannot recover ends the session at once: its outcome is the answer, not a 60 s time-out
        var asked = session.GetStatusAsync(TimeSpan.FromSeconds(60));
        if (await Task.WhenAny(asked, session.Completion).ConfigureAwait(false) != asked) return;
        var status = await asked.ConfigureAwait(false);
        if (!status.Paused || status.IsCompleted) return;
        await session.ResumeAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        Log.Info("search {0} was paused; resumed", searchId);
        await Console.Error.WriteLineAsync($"search {searchId} was paused; resumed it").ConfigureAwait(false);
    }
}
