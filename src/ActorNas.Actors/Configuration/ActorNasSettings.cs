using ActorNas.Core.Tabular;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;
using Akka.Configuration;

namespace ActorNas.Actors.Configuration;

public enum PersistenceProvider { Sqlite, PostgreSql, InMemory }

public sealed record PersistenceSettings(PersistenceProvider Provider, string SqlitePath, string PostgresConnectionString, int SnapshotEvery)
{
    /// <summary>How long a search waits for a log that became unavailable (actornas.persistence.outage-grace) before it stops.</summary>
    public TimeSpan OutageGrace { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>For commands that only read the log: SQLite opens read-only and no table is created.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>A resume reads every event already in the log, beside the search, and stops it at one it cannot read.</summary>
    public bool CheckOnResume { get; init; } = true;
}

/// <param name="TablePath">The tabular evaluator's table file; empty for the table shipped with ActorNas.</param>
/// <param name="Timeout">A fixed per-candidate limit, or null (none, or <see cref="AutoTimeout"/>).</param>
public sealed record EvaluatorSettings(string Name, int Workers, TimeSpan? Timeout, TimeSpan RequestRetry, SyntheticOptions Synthetic,
    string TablePath, TabularOptions Tabular, TrainingOptions Training)
{
    /// <summary>timeout = auto: the limit the Population sends with each candidate (Core's EvaluationLimits.AutoTimeout).</summary>
    public bool AutoTimeout { get; init; }

    /// <summary>The least limit `timeout = auto` sets (actornas.evaluator.auto-timeout-floor).</summary>
    public TimeSpan AutoTimeoutFloor { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a slot waits, after a timeout cancelled its evaluation, for the evaluator to give up; past it the slot
    /// gets a new evaluator and the old one's late result is dropped (actornas.evaluator.abandon-after).
    /// </summary>
    public TimeSpan AbandonAfter { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>The typed view of the <c>actornas</c> section, read once.</summary>
public sealed record ActorNasSettings(
    SearchConfig Search,
    EvaluatorSettings Evaluator,
    int MutatorPoolSize,
    PersistenceSettings Persistence,
    TimeSpan ProgressInterval,
    WeightCacheSettings? WeightCacheOrNull = null)
{
    /// <summary>The node's WeightCache (<c>actornas.weight-cache</c>).</summary>
    public WeightCacheSettings WeightCache => WeightCacheOrNull ?? new WeightCacheSettings();

    /// <summary>Reads and validates every key; the first problem becomes a <see cref="SettingsException"/> naming the key.</summary>
    /// <param name="settingsText">The HOCON the user supplied (flags and files), recorded with the search for resume.</param>
    public static ActorNasSettings From(Config config, string settingsText = "")
    {
        var reader = new SettingsReader(config.GetConfig("actornas") ?? throw new SettingsException("the configuration has no actornas section"));
        var evaluator = new EvaluatorSettings(
            reader.String("evaluator.name"),
            reader.Int("evaluator.workers", min: 1),
            IsAuto(reader, "evaluator.timeout") ? null : reader.OptionalDuration("evaluator.timeout"),
            reader.Duration("evaluator.request-retry"),
            new SyntheticOptions(
                reader.Enum<DurationKind>("evaluator.synthetic.duration"),
                reader.Duration("evaluator.synthetic.mean").TotalMilliseconds,
                reader.Double("evaluator.synthetic.sigma", min: 0),
                reader.Double("evaluator.synthetic.failure-rate", min: 0, max: 0.999999),
                reader.Long("evaluator.synthetic.landscape-seed")),
            reader.String("evaluator.tabular.table", allowEmpty: true),
            new TabularOptions(
                ReadDataset(reader.String("evaluator.tabular.dataset")),
                reader.Double("evaluator.tabular.time-scale", min: 0),
                new DurationModel(
                    reader.Double("evaluator.tabular.seconds-per-megaflop", min: 0),
                    reader.Double("evaluator.tabular.duration-sigma", min: 0))),
            new TrainingOptions(
                reader.String("evaluator.train.dataset").Trim().ToLowerInvariant(),
                reader.String("evaluator.train.data-dir", allowEmpty: true),
                reader.Int("evaluator.train.train-images", min: 0),
                reader.Int("evaluator.train.validation-images", min: 0),
                reader.Int("evaluator.train.epochs", min: 1),
                reader.Int("evaluator.train.batch-size", min: 1),
                reader.Enum<OptimizerKind>("evaluator.train.optimizer"),
                reader.Double("evaluator.train.learning-rate", min: 0),
                reader.Double("evaluator.train.momentum", min: 0),
                reader.Double("evaluator.train.weight-decay", min: 0),
                reader.String("evaluator.train.device"),
                reader.Bool("evaluator.train.transfer"),
                reader.Bool("evaluator.train.freeze-transferred"),
                CacheMemoryMb(reader),
                reader.Int("evaluator.train.nb201.channels", min: 1),
                reader.Int("evaluator.train.nb201.cells-per-stage", min: 1),
                reader.Int("evaluator.naswot.batch-size", min: 2)))
        {
            AutoTimeout = IsAuto(reader, "evaluator.timeout"),
            AutoTimeoutFloor = reader.Duration("evaluator.auto-timeout-floor"),
            AbandonAfter = reader.Duration("evaluator.abandon-after"),
        };

        var batch = reader.Int("search.batch-size", min: 0);
        var space = reader.String("space.name");
        var search = new SearchConfig
        {
            Space = new SearchSpaceSpec(space, space == SequentialSpace.SpaceName
                ? new SequentialSpaceOptions
                {
                    Layers = reader.Int("space.sequential.layers", min: 1),
                    Units = reader.IntList("space.sequential.units"),
                    Activations = reader.StringList("space.sequential.activations"),
                }
                : null),
            PopulationSize = reader.Int("search.population-size", min: 1),
            SampleSize = reader.Int("search.sample-size", min: 1),
            Budget = reader.Int("search.budget", min: 1),
            Mode = reader.Enum<SchedulingMode>("search.mode"),
            BatchSize = batch == 0 ? evaluator.Workers : batch,
            MaxAttempts = reader.Int("search.max-attempts", min: 1),
            MaxFailures = reader.Int("search.max-failures", min: 1),
            Seed = reader.Long("search.seed"),
            Mutation = new PositionWeighting(reader.Double("search.mutation.later-bias", min: 0)),
            Screening = new Screening(reader.Int("search.screening.mutants", min: 1), reader.Enum<ProxyKind>("search.screening.proxy")),
            Evaluator = evaluator.Name,
            Settings = RecordedSettings.Of(settingsText),
        };
        try
        {
            search.Validate();
            evaluator.Synthetic.Validate();
            evaluator.Tabular.Validate();
            evaluator.Training.Validate();
        }
        catch (ArgumentException e)
        {
            throw new SettingsException(e.Message);
        }

        var persistence = new PersistenceSettings(
            reader.Enum<PersistenceProvider>("persistence.provider"),
            reader.String("persistence.sqlite.path"),
            reader.String("persistence.postgresql.connection-string", allowEmpty: true),
            reader.Int("persistence.snapshot-every", min: 1))
        {
            OutageGrace = reader.Duration("persistence.outage-grace"),
            CheckOnResume = reader.Bool("persistence.check-on-resume"),
        };

        // an empty table path means the table shipped with ActorNas (Nb201TableLoader.Shipped)
        if (evaluator.Name == "tabular" && search.Space.Name != Nb201Space.SpaceName)
            throw new SettingsException($"the tabular evaluator (the default) answers NAS-Bench-201 cells only; use --space nb201, " +
                $"or choose an evaluator for the {search.Space.Name} space: --evaluator synthetic, train or naswot");

        return new ActorNasSettings(search, evaluator, reader.Int("mutator.pool-size", min: 1), persistence,
            reader.Duration("progress.interval"), ReadWeightCache(reader, evaluator.Training.WeightCacheMb, search));
    }

    private static bool IsAuto(SettingsReader reader, string key) =>
        reader.Has(key) && string.Equals(reader.String(key, allowEmpty: true).Trim(), "auto", StringComparison.OrdinalIgnoreCase);

    /// <summary>actornas.weight-cache.memory-mb, or its old name evaluator.train.keep-models-mb when that is given.</summary>
    private static int CacheMemoryMb(SettingsReader reader) =>
        reader.Has("evaluator.train.keep-models-mb") ? reader.Int("evaluator.train.keep-models-mb", min: 0) : reader.Int("weight-cache.memory-mb", min: 0);

    // donor-popularity reads the search's P and S (actornas.search) to predict its donor choices
    private static WeightCacheSettings ReadWeightCache(SettingsReader reader, int memoryMb, SearchConfig search)
    {
        var policy = reader.String("weight-cache.policy").Trim().ToLowerInvariant();
        var window = reader.Int("weight-cache.donor-window", min: 1);
        try
        {
            Core.Caching.CachePolicies.Create(policy, new Core.Caching.CachePolicyOptions(window, search.PopulationSize, search.SampleSize));
        }
        catch (ArgumentException e)
        {
            throw new SettingsException($"actornas.weight-cache.policy: {e.Message}");
        }
        var chunk = reader.Int("weight-cache.chunk-bytes", min: 1024);
        if (chunk > WeightCacheSettings.MaxChunkBytes)
            throw new SettingsException($"actornas.weight-cache.chunk-bytes = {chunk} is out of range; it must be between 1024 and " +
                $"{WeightCacheSettings.MaxChunkBytes} (a chunk must fit akka.remote.dot-netty.tcp.maximum-frame-size, 128000 by default)");
        var timeout = reader.Duration("weight-cache.fetch-timeout");
        if (timeout <= TimeSpan.Zero) throw new SettingsException("actornas.weight-cache.fetch-timeout must be positive, such as 30s");
        return new WeightCacheSettings(
            policy,
            memoryMb * (1L << 20),
            reader.String("weight-cache.disk.path", allowEmpty: true),
            reader.Int("weight-cache.disk.capacity-mb", min: 0) * (1L << 20),
            window,
            timeout,
            chunk,
            reader.Int("weight-cache.chunk-window", min: 1),
            search.PopulationSize,
            search.SampleSize)
        {
            MaxLayerBytes = reader.Int("weight-cache.max-layer-mb", min: 1) * (1L << 20),
        };
    }

    private static Nb201Dataset ReadDataset(string name)
    {
        try
        {
            return Nb201Datasets.Parse(name);
        }
        catch (ArgumentException e)
        {
            throw new SettingsException($"actornas.evaluator.tabular.dataset: {e.Message}");
        }
    }
}
