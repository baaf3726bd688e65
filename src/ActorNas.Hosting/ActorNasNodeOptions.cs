using ActorNas.Actors.Configuration;

namespace ActorNas.Hosting;

/// <summary>
/// A node of a cluster search (<c>WithActorNasPopulation</c>, <c>WithActorNasWorker</c>), as typed options over
/// actornas.cluster.* (docs/cluster.md): where it listens and whom it joins. Unset options keep the defaults.
/// </summary>
public sealed class ActorNasNodeOptions
{
    /// <summary>The address remoting binds to (default 127.0.0.1: this machine only).</summary>
    public string? Hostname { get; set; }
    /// <summary>The TCP port (default 4053; 0 picks a free one, fine for workers).</summary>
    public int? Port { get; set; }
    /// <summary>Population nodes to join, as HOST:PORT; empty on the first population node, which seeds itself.</summary>
    public IList<string> SeedNodes { get; set; } = [];
    /// <summary>A worker's evaluator slots (default: one per GPU, else one per CPU core).</summary>
    public int? Slots { get; set; }
    /// <summary>Further actornas.* settings in HOCON (TLS, timings; a worker's table path or data folder), under the typed options.</summary>
    public string Hocon { get; set; } = "";
    /// <summary>A worker's own evaluator for every slot; without it the evaluator recorded with the search runs.</summary>
    public Func<IServiceProvider, int, Core.Evaluation.IEvaluator>? Evaluator { get; set; }

    internal string ToHocon() => Hocon + "\n" + new HoconOverrides()
        .Set("cluster.hostname", Hostname)
        .Set("cluster.port", Port)
        .Set("cluster.seed-nodes", SeedNodes.Count > 0 ? SeedNodes : null)
        .Set("cluster.slots", Slots)
        .Text;
}
