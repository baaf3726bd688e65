using ActorNas.Actors.Runtime;
using ActorNas.Actors.Caching;
using ActorNas.Actors.Cluster;
using ActorNas.Actors.Configuration;
using ActorNas.Actors.Evaluators;
using ActorNas.Actors.Protocol;
using ActorNas.Actors.Search;
using ActorNas.Cli.Output;
using ActorNas.Core.Evaluation;
using Akka.Actor;
using ActorNas.Web;
using NLog;

namespace ActorNas.Cli.Running;

/// <summary>
/// `actornas seed` and `actornas worker`: one node of a cluster search. A population node may host the Population
/// singleton (the oldest one does; another takes over when it dies); a worker node runs evaluator slots that pull work.
/// </summary>
internal static class ClusterRunner
{
    private static readonly Logger Log = LogManager.GetCurrentClassLogger();

    /// <param name="request">The search (its flags are recorded with it, as for `run`).</param>
    /// <param name="clusterText">This node's actornas.cluster.* settings (flags and --config), never recorded.</param>
    public static async Task<int> SeedAsync(SearchRequest request, string clusterText, CancellationToken cancel)
    {
        var requested = SettingsSources.Combine(request.SettingsText, SettingsSources.CommandLine);
        var fresh = SettingsSources.Read(request.SettingsText);
        ClusterSettings.RequireSharedLog(fresh.Persistence.Provider, "Pass --config with actornas.persistence.provider = postgresql " +
            "and a connection string (hocon/postgresql.conf, docs/cluster.md)");
        var (cluster, _) = SettingsSources.Cluster(clusterText, requested);
        var searchId = request.SearchId!;
        Logging.Configure(request.LogFile ?? DefaultLogFile("seed", cluster.Port), null);
        var prepared = TorchPlugin.AddTo(new EvaluatorRegistry()).Prepare(fresh.Evaluator, fresh.Search);

        await using var store = StoreHost.Open(requested, dbPath: null, mustExist: false, cluster.AkkaConfig(ClusterSettings.PopulationRole, requested));
        var system = store.System;
        var node = ClusterNode.Id(system);
        await ClusterNode.WaitUntilUpAsync(system, cluster.SeedNodes, cluster.JoinTimeout, cancel).ConfigureAwait(false);

        // a search that exists continues with its recorded settings; a new one starts from these flags. Planned here
        // for this node's display and to fail early on wrong settings; the singleton plans again wherever it runs.
        var runtime = ActorNasRuntime.Get(system);
        TorchPlugin.AddTo(runtime.Evaluators);
        var start = new StartRequest(searchId, StartMode.NewOrResume, request.SettingsText) { Where = store.Where, Evaluators = prepared };
        ActorNasSettings settings;
        using (var plan = await runtime.PlanAsync(start, cancel).ConfigureAwait(false))
        {
            settings = plan.Settings;
            Log.Info("population node {0} for search {1} ({2})", node, searchId, plan.IsNew ? "new unless another node started it" : "recorded");
        }
        await Console.Error.WriteLineAsync($"population node {node} for search {searchId}").ConfigureAwait(false);
        var search = ClusterSearch.Start(system, start, cluster);
        await using var web = await WebPage.StartAsync(request.Web, store.Log, store.Where, searchId,
            new DelegateControl(search.PauseAsync, search.ResumeAsync, search.StopAsync), cancel,
            () => Akka.Cluster.Cluster.Get(system).State.Members.Select(m => new ClusterMemberView(NodeAddress.IdOf(m.Address),
                m.Roles.Order(StringComparer.Ordinal).ToList(), m.Status.ToString().ToLowerInvariant())).ToList()).ConfigureAwait(false);

        SearchStatus? last = null;
        var display = ProgressDisplay.Create(settings.ProgressInterval);
        await display.RunAsync(async update =>
        {
            while (!Ended(search, last) && !system.WhenTerminated.IsCompleted && !cancel.IsCancellationRequested)
            {
                try
                {
                    last = await search.GetStatusAsync(TimeSpan.FromSeconds(3)).ConfigureAwait(false);
                    update(last);
                }
                catch (AskTimeoutException)
                {
                    // the singleton is starting, recovering or moving; ask again
                }
                await Task.WhenAny(search.LocalOutcome, system.WhenTerminated, Task.Delay(500, cancel)).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);

        if (search.LocalOutcome is { IsCompleted: true } local && await local.ConfigureAwait(false) is { Error: { } error } outcome)
        {
            await ClusterNode.LeaveAsync(system).ConfigureAwait(false);
            if (outcome.LogFault is { } fault)
                throw LogFaultMessage.For(fault, error, store.Persistence, $"actornas seed --search-id {searchId} --config ...");
            if (outcome.LogUnreadable) throw await LogGuard.RecoveryFailedAsync(store, searchId, outcome).ConfigureAwait(false);
            throw new SettingsException(error);
        }
        if (cancel.IsCancellationRequested)
        {
            await ClusterNode.LeaveAsync(system).ConfigureAwait(false);   // the singleton hands over to another population node
            await Console.Error.WriteLineAsync($"interrupted; node {node} left the cluster").ConfigureAwait(false);
            return ExitCodes.Interrupted;
        }
        if (system.WhenTerminated.IsCompleted) throw Downed(node);

        var final = search.LocalOutcome is { IsCompletedSuccessfully: true } done && (await done.ConfigureAwait(false)).Status is { } s ? s : last!;
        await DrainAsync(system, cluster.DrainTimeout, cancel).ConfigureAwait(false);
        await ClusterNode.LeaveAsync(system).ConfigureAwait(false);
        Summary.Print(final, request.Json, settings.Search.Space.Create(), accuracy: BestAccuracy.Of(settings.Evaluator, final.Best));
        return final.CompletionReason == "budget" ? ExitCodes.Ok : ExitCodes.SearchFailed;
    }

    /// <param name="workerText">The worker's --config text and flags: its cluster settings, and evaluator settings that
    /// override the recorded ones on this machine (a table path, a data folder).</param>
    public static async Task<int> WorkerAsync(string workerText, int? slotsFlag, bool json, string? logFile, CancellationToken cancel)
    {
        var (cluster, own) = SettingsSources.Cluster(workerText);
        if (cluster.SeedNodes.Count == 0)
            throw new SettingsException("a worker needs a population node to join: pass --join HOST:PORT (the address `actornas seed` printed)");
        Logging.Configure(logFile ?? DefaultLogFile("worker", Environment.ProcessId), null);

        var system = ActorNasSystem.CreateWithoutLog(own, cluster.AkkaConfig(ClusterSettings.EvaluatorRole, own));
        TorchPlugin.AddTo(ActorNasRuntime.Get(system).Evaluators);
        try
        {
            var node = ClusterNode.Id(system);
            await ClusterNode.WaitUntilUpAsync(system, cluster.SeedNodes, cluster.JoinTimeout, cancel).ConfigureAwait(false);
            var worker = await ClusterWorker.StartAsync(system, ClusterNode.PopulationProxy(system), workerText, slotsFlag, ownEvaluator: null, cancel)
                .ConfigureAwait(false);
            Console.WriteLine($"worker {node}: {worker.Slots} slot(s) for search {worker.SearchId}");

            await Task.WhenAny(worker.Done, system.WhenTerminated, Task.Delay(Timeout.Infinite, cancel)).ConfigureAwait(false);
            if (cancel.IsCancellationRequested)
            {
                await ClusterNode.LeaveAsync(system).ConfigureAwait(false);
                await Console.Error.WriteLineAsync($"interrupted; worker {node} left the cluster and its candidates go to other workers").ConfigureAwait(false);
                return ExitCodes.Interrupted;
            }
            if (!worker.Done.IsCompleted) throw Downed(node);
            await ClusterNode.LeaveAsync(system).ConfigureAwait(false);
            Console.WriteLine($"worker {node}: the search is over");
            if (json) Console.WriteLine($"{{\"node\":\"{node}\",\"slots\":{worker.Slots},\"searchId\":\"{worker.SearchId}\"}}");
            return ExitCodes.Ok;
        }
        finally
        {
            await system.Terminate().ConfigureAwait(false);
        }
    }

    private static bool Ended(ClusterSearch search, SearchStatus? last) => search.LocalOutcome.IsCompleted || last?.IsCompleted == true;

    /// <summary>Waits until no evaluator node is left (they leave once told the search is over), at most <paramref name="timeout"/>.</summary>
    private static async Task DrainAsync(ActorSystem system, TimeSpan timeout, CancellationToken cancel)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !cancel.IsCancellationRequested && !system.WhenTerminated.IsCompleted
               && cluster.State.Members.Any(m => m.HasRole(ClusterSettings.EvaluatorRole) && m.Status == Akka.Cluster.MemberStatus.Up))
            await Task.Delay(250, CancellationToken.None).ConfigureAwait(false);
    }

    private static NodeDownedException Downed(string node) =>
        new($"node {node} was removed from the cluster (downed by the split-brain resolver, or it lost the majority); " +
            "everything recorded is kept: start it again to rejoin");

    private static string DefaultLogFile(string role, int id) => Path.GetFullPath($"actornas-{role}-{id}.log");
}
