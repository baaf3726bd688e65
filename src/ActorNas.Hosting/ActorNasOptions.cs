using ActorNas.Actors.Configuration;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;

namespace ActorNas.Hosting;

/// <summary>
/// A search run inside a host, as typed options. They become actornas.* HOCON; precedence, highest first: these typed
/// options (when set) > <see cref="Hocon"/> (say, read from the user's files) > the embedded defaults.
/// </summary>
public sealed class ActorNasOptions
{
    public string SearchId { get; set; } = "search";
    /// <summary>The SQLite file of the log (created if missing).</summary>
    public string DatabasePath { get; set; } = "actornas.db";
    /// <summary>The log in PostgreSQL instead of SQLite (an Npgsql connection string); a cluster's population nodes need it.</summary>
    public string? PostgresConnectionString { get; set; }
    /// <summary>A built-in space by name (nb201, sequential); <see cref="SearchSpace"/> wins when both are set.</summary>
    public string? Space { get; set; }
    /// <summary>A search space of your own: registered (SearchSpaces.Register) under its name when the host starts.</summary>
    public ISearchSpace? SearchSpace { get; set; }
    public int? PopulationSize { get; set; }
    public int? SampleSize { get; set; }
    public int? Budget { get; set; }
    public int? Workers { get; set; }
    public long? Seed { get; set; }
    public SchedulingMode? Mode { get; set; }
    /// <summary>Further actornas.* settings in HOCON, under the typed options.</summary>
    public string Hocon { get; set; } = "";
    /// <summary>The user's evaluator: one instance per slot. Required unless <see cref="EvaluatorName"/> names a built-in one.</summary>
    public Func<IServiceProvider, int, IEvaluator>? Evaluator { get; set; }
    /// <summary>Name recorded in the log for the evaluator; without <see cref="Evaluator"/>, the built-in evaluator of that
    /// name (synthetic, tabular) runs.</summary>
    public string EvaluatorName { get; set; } = CustomEvaluator;

    /// <summary>The name a user's own evaluator is recorded under unless another is given.</summary>
    public const string CustomEvaluator = "custom";

    internal string ToHocon() => Hocon + "\n" + new HoconOverrides()
        .Set("space.name", SearchSpace?.Name ?? Space)
        .Set("search.population-size", PopulationSize)
        .Set("search.sample-size", SampleSize)
        .Set("search.budget", Budget)
        .Set("evaluator.workers", Workers)
        .Set("search.seed", Seed)
        .Set("search.mode", Mode)
        .Set("evaluator.name", EvaluatorName)
        .Set("persistence.sqlite.path", DatabasePath)
        .Set("persistence.provider", PostgresConnectionString is null ? null : "postgresql")
        .Set("persistence.postgresql.connection-string", PostgresConnectionString)
        .Text;
}
