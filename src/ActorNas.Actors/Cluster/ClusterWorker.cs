using ActorNas.Actors.Caching;
using ActorNas.Actors.Configuration;
using ActorNas.Actors.Evaluators;
using ActorNas.Actors.Runtime;
using ActorNas.Core.Evaluation;
using Akka.Actor;
using Akka.Event;

namespace ActorNas.Actors.Cluster;

/// <summary>
/// A worker node's part of a cluster search, started once the node is a member: it asks the Population which search
/// runs and with which settings, then runs evaluator slots that pull its work (`actornas worker`, or a host's
/// <c>WithActorNasWorker</c>). The node's WeightCache serves its slots and the other nodes.
/// </summary>
public sealed class ClusterWorker
{
    private ClusterWorker(string node, int slots, string searchId, IActorRef evaluators, Task done) =>
        (Node, Slots, SearchId, Evaluators, Done) = (node, slots, searchId, evaluators, done);

    public string Node { get; }
    public int Slots { get; }
    public string SearchId { get; }
    /// <summary>The node's slots (an <see cref="EvaluatorNode"/>).</summary>
    public IActorRef Evaluators { get; }
    /// <summary>Completes when every slot has heard that the search is over.</summary>
    public Task Done { get; }

    /// <param name="population">A proxy to the Population singleton.</param>
    /// <param name="workerText">This node's settings text: cluster settings, and evaluator settings that override the
    /// recorded ones on this machine (a table path, a data folder).</param>
    /// <param name="slots">Slots here; null for actornas.cluster.slots, or one per GPU (else per core) when that is 0.</param>
    /// <param name="ownEvaluator">The embedding API's evaluator for every slot, instead of the registry's.</param>
    /// <exception cref="ClusterJoinException">No Population answered within the join timeout.</exception>
    /// <exception cref="SettingsException">The settings (recorded, or this node's over them) are wrong.</exception>
    public static async Task<ClusterWorker> StartAsync(ActorSystem system, IActorRef population, string workerText, int? slots,
        Func<int, IEvaluator>? ownEvaluator, CancellationToken cancel)
    {
        var runtime = ActorNasRuntime.Get(system);
        var (cluster, _) = SettingsSources.Cluster(workerText);
        var node = ClusterNode.Id(system);
        var setup = await ClusterNode.AskSetupAsync(system, population, cluster.JoinTimeout, cancel).ConfigureAwait(false);

        var settings = SettingsSources.OfJoined(workerText, setup.Settings, setup.SearchId);
        var count = slots ?? (cluster.Slots > 0 ? cluster.Slots : EvaluatorNode.DefaultSlots());
        if (count < 1) throw new SettingsException($"--slots {count}: a worker needs at least one slot");
        var evaluator = settings.Evaluator with { Workers = count, Command = WorkerCheckpoints(settings.Evaluator.Command, node) };
        var prepared = ownEvaluator is null ? runtime.Evaluators.Prepare(evaluator, settings.Search) : null;
        var factory = ownEvaluator ?? prepared!.Factory;
        // a fade search trains its regions and a spidernet search grows its network on the slots: this node needs the
        // trainers even with the embedding API's evaluator
        var trainers = prepared is null
            ? new SlotTrainers(runtime.Evaluators.RegionWeigherFor(evaluator, settings.Search), runtime.Evaluators.GrowerFor(evaluator, settings.Search))
            : new SlotTrainers(prepared.RegionWeigher, prepared.Grower);
        var space = settings.Search.Space.Create();

        var log = Akka.Event.Logging.GetLogger(system, nameof(ClusterWorker));
        log.Info("worker {0}: {1} slot(s) for search {2}", node, count, setup.SearchId);
        if (evaluator.Name == BuiltInEvaluators.Command) log.Info("worker {0}: candidates' checkpoints in {1}", node, evaluator.Command.CheckpointRoot);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // the node's WeightCache: its slots share it, and other nodes fetch the layers this node trained from it
        var cache = new ActorLayerCache(runtime.WeightCache(settings.WeightCache, node), settings.WeightCache.Timeout);
        var evaluators = system.ActorOf(EvaluatorNode.Props(population, count, factory,
            EvaluatorSlots.Contexts(setup.SearchId, space, settings.Search.Seed, node, cache),
            SlotLimits.Of(evaluator), done, trainers), EvaluatorNode.Name);
        return new ClusterWorker(node, count, setup.SearchId, evaluators, done.Task);
    }

    /// <summary>
    /// A worker's checkpoint root when neither its own settings nor the search's name one: actornas-checkpoints/NODE in
    /// its working directory (NODE = host_port), so workers started from one folder keep theirs apart and a restarted
    /// worker on the same port finds its own again. A configured checkpoint-dir is used as it is (a shared file system).
    /// </summary>
    internal static CommandSettings WorkerCheckpoints(CommandSettings command, string node) =>
        command.CheckpointDir.Length > 0
            ? command
            : command with { CheckpointDir = Path.GetFullPath(Path.Combine(CommandSettings.DefaultCheckpointFolder, FolderNameOf(node))) };

    private static string FolderNameOf(string node) => string.Concat(node.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '_'));
}
