using ActorNas.Actors.Caching;
using ActorNas.Actors.Configuration;
using ActorNas.Actors.Evaluators.Command;
using ActorNas.Actors.Tests.Evaluators;
using ActorNas.Core;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Spaces;
using Xunit;

namespace ActorNas.Actors.Tests.Caching;

/// <summary>
/// The command evaluator's checkpoints through the WeightCache: two ActorSystems with remoting on loopback, each with its
/// own checkpoint root, real bash scripts that write a checkpoint and refuse to run when their parent's is absent or wrong.
/// </summary>
public sealed class CheckpointTransferTests
{
    // writes "weights of ID" and a 300 kB file in a subfolder (several chunks); a child checks its parent's content
    private const string Script = """
        echo "weights of $ACTORNAS_CANDIDATE_ID" > "$ACTORNAS_CHECKPOINT_DIR/weights.txt"
        mkdir -p "$ACTORNAS_CHECKPOINT_DIR/sub" && head -c 300000 /dev/urandom > "$ACTORNAS_CHECKPOINT_DIR/sub/blob.bin"
        echo "$ACTORNAS_CANDIDATE_ID parent=$ACTORNAS_PARENT_CHECKPOINT" >> "$SEEN"
        if [ -n "$ACTORNAS_PARENT_CHECKPOINT" ] && [ "$(cat "$ACTORNAS_PARENT_CHECKPOINT/weights.txt")" != "weights of $ACTORNAS_PARENT_ID" ]; then
          echo "the parent's checkpoint is not candidate $ACTORNAS_PARENT_ID's" >&2; exit 1
        fi
        echo '{"objective": 1, "metrics": {"cacheBytes": -5}}'
        """;

    private static WeightCacheSettings Cache(string policy = "lru", long copiesBytes = 2048L << 20) =>
        new(policy, FetchTimeout: TimeSpan.FromSeconds(20)) { CheckpointCopiesBytes = copiesBytes };

    private sealed class Node(CacheNode cache, CommandScripts scripts, string seen) : IAsyncDisposable
    {
        public CacheNode Cache { get; } = cache;
        public CommandScripts Scripts { get; } = scripts;
        public string Root => Scripts.File("checkpoints");
        public string Seen { get; } = seen;

        public static Node Start(WeightCacheSettings settings)
        {
            var scripts = new CommandScripts();
            return new Node(CacheNode.Start(settings), scripts, scripts.File("seen.txt"));
        }

        public string Folder(long candidate) => CommandEvaluator.CheckpointDirOf(Root, "search-7", candidate);

        public Task<EvaluationResult> Evaluate(long id, long? parent, string? parentNode)
        {
            var settings = Scripts.Bash(Script) with { Environment = new Dictionary<string, string> { ["SEEN"] = Seen } };
            var context = new EvaluationContext("search-7", Nb201Space.Instance, 42, Cache.Node + "/slot-0", Cache.Node, 0, Cache.Cache);
            return new CommandEvaluator(settings, "").EvaluateAsync(
                new Candidate(id, parent, new Genotype([3, 0, 4, 1, 1, 2]), 1, parentNode), context, CancellationToken.None);
        }

        public async ValueTask DisposeAsync()
        {
            await Cache.DisposeAsync();
            Scripts.Dispose();
        }
    }

    private static double Metric(EvaluationResult r, string name) => r.Metrics![name];

    [Fact]
    public async Task A_child_on_another_node_gets_its_parents_checkpoint_pulled_from_the_parents_node()
    {
        await using var a = Node.Start(Cache());
        await using var b = Node.Start(Cache());

        var parent = await a.Evaluate(1, null, null);
        Assert.Null(parent.CacheHit);                                    // no parent: nothing asked of the cache
        Assert.False(parent.Metrics!.ContainsKey("cacheLayersRequested"));

        var child = await b.Evaluate(2, 1, a.Cache.Node);
        Assert.Equal(true, child.CacheHit);
        Assert.Equal(1, Metric(child, "cacheLayersRequested"));
        Assert.Equal(1, Metric(child, "cacheRemoteHits"));
        Assert.Equal(0, Metric(child, "cacheLocalHits"));
        Assert.True(Metric(child, "cacheBytesFetched") > 300_000);
        Assert.Equal(Metric(child, "cacheBytesFetched"), Metric(child, "cacheBytes"));   // the evaluator's figure, not the script's
        // the copy on B is the parent's folder, file for file
        Assert.Equal(File.ReadAllText(Path.Combine(a.Folder(1), "weights.txt")), File.ReadAllText(Path.Combine(b.Folder(1), "weights.txt")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(a.Folder(1), "sub", "blob.bin")), File.ReadAllBytes(Path.Combine(b.Folder(1), "sub", "blob.bin")));
        Assert.Equal(["1 parent=", $"2 parent={b.Folder(1)}"], File.ReadAllLines(a.Seen).Concat(File.ReadAllLines(b.Seen)));

        // a second child of the same parent, and a grandchild, find theirs on B itself
        var sibling = await b.Evaluate(3, 1, a.Cache.Node);
        var grandchild = await b.Evaluate(4, 2, b.Cache.Node);
        Assert.All(new[] { sibling, grandchild }, r =>
        {
            Assert.Equal(1, Metric(r, "cacheLocalHits"));
            Assert.Equal(0, Metric(r, "cacheRemoteHits"));
            Assert.Equal(0, Metric(r, "cacheBytesFetched"));
        });
        Assert.Equal($"4 parent={b.Folder(2)}", File.ReadAllLines(b.Seen)[^1]);
        var stats = await b.Cache.Stats();
        Assert.Equal(1, stats.RemoteHits);
        Assert.True(stats.RemoteBytesFetched > 300_000);
    }

    [Fact]
    public async Task Without_a_fetch_the_child_starts_without_a_parent_checkpoint_and_the_miss_is_recorded()
    {
        await using var a = Node.Start(Cache());
        await using var none = Node.Start(Cache(policy: "none"));
        await using var noCopies = Node.Start(Cache(copiesBytes: 0));
        await a.Evaluate(1, null, null);

        foreach (var node in new[] { none, noCopies })
        {
            var child = await node.Evaluate(2, 1, a.Cache.Node);
            Assert.Equal(false, child.CacheHit);
            Assert.Equal(1, Metric(child, "cacheLayersRequested"));
            Assert.Equal(0, Metric(child, "cacheLocalHits") + Metric(child, "cacheRemoteHits"));
            Assert.Equal(["2 parent="], File.ReadAllLines(node.Seen));
            Assert.False(Directory.Exists(node.Folder(1)));
        }

        // a parent the owner never evaluated (or has forgotten, after a restart) is a miss too, not a failure
        await using var c = Node.Start(Cache());
        var orphan = await c.Evaluate(3, 77, a.Cache.Node);
        Assert.Equal(false, orphan.CacheHit);
        Assert.Equal(0, Metric(orphan, "cacheRemoteHits"));
        Assert.Equal(["3 parent="], File.ReadAllLines(c.Seen));
    }

    [Fact]
    public async Task Fetched_copies_beyond_the_capacity_are_deleted_oldest_first_and_the_owners_checkpoints_stay()
    {
        await using var a = Node.Start(Cache());
        await using var b = Node.Start(Cache(copiesBytes: 1));   // less than one copy: each new copy pushes the older out
        await a.Evaluate(1, null, null);
        await a.Evaluate(5, null, null);

        var first = await b.Evaluate(2, 1, a.Cache.Node);
        Assert.Equal(0, Metric(first, "cacheEvictions"));
        Assert.True(Directory.Exists(b.Folder(1)));
        var second = await b.Evaluate(6, 5, a.Cache.Node);
        Assert.Equal(1, Metric(second, "cacheRemoteHits"));
        Assert.Equal(1, Metric(second, "cacheEvictions"));
        Assert.Equal(Metric(second, "cacheBytesFetched"), Metric(second, "cacheBytes"));
        Assert.False(Directory.Exists(b.Folder(1)));                 // the older copy is gone
        Assert.True(File.Exists(Path.Combine(b.Folder(5), "weights.txt")));
        Assert.True(File.Exists(Path.Combine(b.Folder(2), "weights.txt")));   // B's own checkpoint stays
        Assert.True(File.Exists(Path.Combine(a.Folder(1), "weights.txt")));   // and so does the owner's
    }
}
