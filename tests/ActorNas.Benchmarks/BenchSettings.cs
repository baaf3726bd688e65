using ActorNas.Actors.Configuration;
using Akka.Configuration;

namespace ActorNas.Benchmarks;

/// <summary>The search every orchestration measurement runs: the synthetic evaluator on 64 slots, P = 100, S = 25.</summary>
internal static class BenchSettings
{
    public const int Workers = 64;
    public const string Node = "bench-node";

    /// <param name="extraHocon">Further actornas.* keys (scheduling mode, evaluator durations).</param>
    public static Config For(int budget, string sqlitePath, string extraHocon = "") =>
        ActorNasConfig.Combine(ConfigurationFactory.ParseString($"""
            actornas.search.budget = {budget}
            actornas.evaluator.name = synthetic
            actornas.evaluator.workers = {Workers}
            actornas.search.population-size = 100
            actornas.search.sample-size = 25
            actornas.persistence.sqlite.path = "{sqlitePath.Replace("\\", "\\\\", StringComparison.Ordinal)}"
            {extraHocon}
            """));

    public static string WorkerName(int slot) => $"{Node}/slot-{slot}";
}
