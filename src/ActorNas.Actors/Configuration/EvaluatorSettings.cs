using ActorNas.Core.Evaluation;
using ActorNas.Core.Tabular;

namespace ActorNas.Actors.Configuration;

/// <param name="TablePath">The tabular evaluator's table file; empty for the table shipped with ActorNas.</param>
/// <param name="Timeout">A fixed per-candidate limit, or null (none, or <see cref="AutoTimeout"/>).</param>
public sealed record EvaluatorSettings(string Name, int Workers, TimeSpan? Timeout, TimeSpan RequestRetry, SyntheticSettings Synthetic,
    string TablePath, TabularSettings Tabular, TrainingSettings Training)
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

    /// <summary>Candidates a slot holds beyond the one it evaluates (actornas.evaluator.lookahead; 0 = none).</summary>
    public int Lookahead { get; init; } = 0;

    /// <summary>The command evaluator's settings (actornas.evaluator.command).</summary>
    public CommandSettings Command { get; init; } = CommandSettings.Default;

    /// <summary>Reads <c>actornas.evaluator</c> (and the weight cache's memory, which the train evaluator's in-process cache shares).</summary>
    internal static EvaluatorSettings Read(SettingsReader reader)
    {
        return new EvaluatorSettings(
            reader.String("evaluator.name"),
            reader.Int("evaluator.workers", min: 1),
            IsAuto(reader, "evaluator.timeout") ? null : reader.OptionalDuration("evaluator.timeout"),
            reader.Duration("evaluator.request-retry"),
            new SyntheticSettings(
                reader.Enum<DurationKind>("evaluator.synthetic.duration"),
                reader.Duration("evaluator.synthetic.mean").TotalMilliseconds,
                reader.Double("evaluator.synthetic.sigma", min: 0),
                reader.Double("evaluator.synthetic.failure-rate", min: 0, max: 0.999999),
                reader.Long("evaluator.synthetic.landscape-seed")),
            reader.String("evaluator.tabular.table", allowEmpty: true),
            new TabularSettings(
                ReadDataset(reader.String("evaluator.tabular.dataset")),
                reader.Double("evaluator.tabular.time-scale", min: 0),
                new DurationModel(
                    reader.Double("evaluator.tabular.seconds-per-megaflop", min: 0),
                    reader.Double("evaluator.tabular.duration-sigma", min: 0))),
            new TrainingSettings(
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
            Lookahead = reader.Int("evaluator.lookahead", min: 0),
            Command = CommandSettings.Read(reader),
        };
    }

    /// <summary>The options' own range checks, as settings errors.</summary>
    internal void Validate()
    {
        try
        {
            Synthetic.Validate();
            Tabular.Validate();
            Training.Validate();
        }
        catch (ArgumentException e)
        {
            throw new SettingsException(e.Message);
        }
    }

    private static bool IsAuto(SettingsReader reader, string key) =>
        reader.Has(key) && string.Equals(reader.String(key, allowEmpty: true).Trim(), "auto", StringComparison.OrdinalIgnoreCase);

    /// <summary>actornas.weight-cache.memory-mb, or its old name evaluator.train.keep-models-mb when that is given.</summary>
    private static int CacheMemoryMb(SettingsReader reader) =>
        reader.Has("evaluator.train.keep-models-mb") ? reader.Int("evaluator.train.keep-models-mb", min: 0) : reader.Int("weight-cache.memory-mb", min: 0);

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
