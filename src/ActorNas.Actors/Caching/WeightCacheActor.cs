using System.Diagnostics;
using ActorNas.Actors.Cluster;
using ActorNas.Actors.Configuration;
using ActorNas.Actors.Protocol;
using ActorNas.Core.Caching;
using Akka.Actor;
using Akka.Event;

namespace ActorNas.Actors.Caching;

/// <summary>
/// The weight cache of one node (one per ActorSystem, at /system/weight-cache). It keeps the layers of evaluated models
/// in a <see cref="LayerTiers"/> (memory tier by policy through <see cref="LayerCacheBook"/>, optional disk tier),
/// answers its evaluators' fetches, fetches what it lacks from the donor's node (in pulled chunks, see
/// <see cref="LayerFetcher"/>) and keeps a copy by policy, and serves other nodes' pulls (see <see cref="LayerSender"/>).
/// It hears of donor choices from the fetches themselves: a request of attempt 1 names the parent chosen for it.
/// It also knows the checkpoint folders its command evaluators wrote (<see cref="CheckpointStore"/>): it serves them to
/// other nodes in the same pulls, and fetches a parent's from the parent's node for a child evaluated here.
/// </summary>
public sealed class WeightCacheActor : ReceiveActor
{
    public const string Name = "weight-cache";

    private sealed record PendingFetch(IActorRef ReplyTo, LayerRequest Request, LocalLookup Local, Stopwatch Clock);
    private sealed record PendingCheckpoint(IActorRef ReplyTo, CheckpointRequest Request, Stopwatch Clock);

    /// <summary>From a <see cref="LayerFetcher"/>: the verified layers it received (none on failure); whether the owner answered at all.</summary>
    internal sealed record FetchCompleted(long TransferId, IReadOnlyList<LayerPayload> Layers, long Bytes, string? Error, bool Answered);

    private readonly LayerTiers _store;
    private readonly WeightCacheSettings _settings;
    private readonly string _node;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<long, PendingFetch> _pending = [];
    private readonly Dictionary<long, PendingCheckpoint> _pendingCheckpoints = [];
    private readonly CheckpointStore _checkpoints;
    // nodes that did not answer a pull (gone, or an id from before a restart): not asked again until the time given,
    // so their parents' children do not each wait out the fetch timeout
    private readonly Dictionary<string, DateTimeOffset> _silent = [];
    private long _nextTransfer;

    public static Props Props(WeightCacheSettings settings, string node) =>
        Akka.Actor.Props.Create(() => new WeightCacheActor(settings, node));

    public WeightCacheActor(WeightCacheSettings settings, string node)
    {
        _settings = settings;
        _node = node;
        var disk = string.IsNullOrWhiteSpace(settings.DiskPath) || settings.DiskBytes <= 0
            ? null
            : new LayerDiskTier(WeightCacheNode.DiskDirectoryOf(settings, node), settings.DiskBytes, message => _log.Warning("{0}", message));
        _store = new LayerTiers(new LayerCacheBook(settings.MemoryBytes, CachePolicies.Create(settings.Policy, settings.PolicyOptions)), disk);
        _checkpoints = new CheckpointStore(settings.CheckpointCopiesBytes, message => _log.Warning("{0}", message));

        Receive<FetchLayers>(f => Fetch(f.Request));
        Receive<OfferLayers>(o =>
        {
            if (o.Model is { } model) _store.Evaluated(model);
            foreach (var layer in o.Layers) _store.Keep(layer);
            Sender.Tell(LayersOffered.Instance);
        });
        Receive<FetchCheckpoint>(f => FetchCheckpoint(f.Request));
        Receive<CheckpointWritten>(w => _checkpoints.Written(w.SearchId, w.CandidateId, w.Folder));
        Receive<FetchCompleted>(Completed);
        Receive<PullLayers>(Serve);
        Receive<GetCacheStats>(_ => Sender.Tell(new WeightCacheStats(_node, _store.Stats())));
    }

    private void Fetch(LayerRequest request)
    {
        var clock = Stopwatch.StartNew();
        if (request.DonorId is { } donor && request.Attempt == 1) _store.DonorChosen(donor);
        var local = _store.Request(request.Layers);
        // the none baseline trains every child from scratch: nothing is fetched from other nodes either
        var remote = local.Missing.Count > 0 && _store.Book.Policy is not NoCachePolicy
                     && request.DonorNode is { } donorNode && donorNode != _node && !IsSilent(donorNode)
            ? WeightCacheNode.PathOf(Context.System, donorNode)
            : null;
        if (remote is null)
        {
            Sender.Tell(Answer(request, local, [], 0, clock));
            return;
        }
        var id = ++_nextTransfer;
        _pending[id] = new PendingFetch(Sender, request, local, clock);
        Context.ActorOf(LayerFetcher.Props(id, Context.ActorSelection(remote), local.Missing, _settings), "fetch-" + id);
    }

    /// <summary>
    /// A parent's checkpoint: its folder when it is on this node; else pulled from the parent's node like a layer (same
    /// rules: not from this node, an unknown or silent one, or under the none policy; and not with checkpoint-copies-mb
    /// = 0), unpacked into the requested folder and kept as a bounded copy.
    /// </summary>
    private void FetchCheckpoint(CheckpointRequest request)
    {
        var clock = Stopwatch.StartNew();
        if (HoldsFiles(request.Folder))
        {
            Sender.Tell(CheckpointAnswer(request.Folder, false, 0, clock));
            return;
        }
        var remote = _settings.CheckpointCopiesBytes > 0 && _store.Book.Policy is not NoCachePolicy
                     && request.ParentNode is { } parentNode && parentNode != _node && !IsSilent(parentNode)
            ? WeightCacheNode.PathOf(Context.System, parentNode)
            : null;
        if (remote is null)
        {
            Sender.Tell(CheckpointAnswer(null, false, 0, clock));
            return;
        }
        var id = ++_nextTransfer;
        _pendingCheckpoints[id] = new PendingCheckpoint(Sender, request, clock);
        Context.ActorOf(LayerFetcher.Props(id, Context.ActorSelection(remote), [CheckpointStore.KeyOf(request.SearchId, request.ParentId)], _settings),
            "fetch-" + id);
    }

    private void CheckpointCompleted(FetchCompleted done, PendingCheckpoint pending)
    {
        var request = pending.Request;
        if (!done.Answered && request.ParentNode is { } silent)
            _silent[silent] = DateTimeOffset.UtcNow + WeightCacheSettings.SilentNodePause(_settings.Timeout);
        var error = done.Error ?? (done.Layers.Count == 0 ? "the node does not hold it" : null);
        if (done.Layers.Count > 0 && _checkpoints.StoreCopy(done.Layers[0], request.Folder) is { } problem) error = problem;
        if (error is not null || !HoldsFiles(request.Folder))
        {
            _log.Warning("weight cache: the checkpoint of candidate {0} could not be fetched from {1} ({2}); the child starts without it",
                request.ParentId, request.ParentNode, error ?? "nothing arrived");
            pending.ReplyTo.Tell(CheckpointAnswer(null, false, done.Bytes, pending.Clock));
            return;
        }
        _store.CountRemote(1, done.Bytes);
        pending.ReplyTo.Tell(CheckpointAnswer(request.Folder, true, done.Bytes, pending.Clock));
    }

    private CheckpointFetch CheckpointAnswer(string? folder, bool remote, long bytes, Stopwatch clock) =>
        new(folder, remote, bytes, clock.Elapsed.TotalSeconds, _checkpoints.CopiesBytes, _checkpoints.CopiesEvicted);

    private static bool HoldsFiles(string folder) => Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any();

    private void Completed(FetchCompleted done)
    {
        if (_pendingCheckpoints.Remove(done.TransferId, out var checkpoint))
        {
            CheckpointCompleted(done, checkpoint);
            return;
        }
        if (!_pending.Remove(done.TransferId, out var pending)) return;
        if (!done.Answered && pending.Request.DonorNode is { } silent)
            _silent[silent] = DateTimeOffset.UtcNow + WeightCacheSettings.SilentNodePause(_settings.Timeout);
        if (done.Error is not null)
            _log.Warning("weight cache: fetching {0} layers of candidate {1} from {2} failed ({3}); they are misses",
                pending.Local.Missing.Count, pending.Request.DonorId, pending.Request.DonorNode, done.Error);
        foreach (var layer in done.Layers) _store.Keep(layer);   // a copy by policy
        _store.CountRemote(done.Layers.Count, done.Bytes);
        pending.ReplyTo.Tell(Answer(pending.Request, pending.Local, done.Layers, done.Bytes, pending.Clock));
    }

    private bool IsSilent(string node)
    {
        if (!_silent.TryGetValue(node, out var until)) return false;
        if (DateTimeOffset.UtcNow < until) return true;
        _silent.Remove(node);
        return false;
    }

    private LayerFetch Answer(LayerRequest request, LocalLookup local, IReadOnlyList<LayerPayload> remote, long bytes, Stopwatch clock)
    {
        var layers = new Dictionary<string, LayerPayload>(local.Found);
        foreach (var layer in remote) layers[layer.Layer] = layer;
        return new LayerFetch(layers, request.Layers.Count, local.MemoryHits, local.DiskHits, remote.Count, bytes,
            clock.Elapsed.TotalSeconds, _store.Stats());
    }

    private void Serve(PullLayers pull)
    {
        if (!ClusterMembership.Admits(Context.System, Sender.Path.Address))
        {
            _log.Warning("refused to serve layers to {0}: not a member of the cluster (wire safety)", Sender.Path.Address);
            return;
        }
        // checkpoints travel like layers: their keys name a search and a candidate (CheckpointStore.KeyOf)
        var layers = pull.Layers.Distinct()
            .Select(key => CheckpointStore.IsKey(key) ? _checkpoints.Serve(key, _settings.MaxLayerBytes) : _store.Serve(key))
            .OfType<LayerPayload>().ToList();
        var chunk = Math.Clamp(pull.ChunkBytes, 1024, WeightCacheSettings.MaxChunkBytes);
        Context.ActorOf(LayerSender.Props(pull.TransferId, layers, chunk, Sender, _settings.Timeout));
    }
}
