using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;
using Akka.Configuration;

namespace ActorNas.Actors.Configuration;

/// <summary>The typed view of the <c>actornas</c> section, read once.</summary>
public sealed record ActorNasSettings(
    SearchSettings Search,
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
        var evaluator = EvaluatorSettings.Read(reader);
        var search = SearchSection.Read(reader, evaluator, settingsText);
        evaluator.Validate();
        var persistence = PersistenceSettings.Read(reader);

        // an empty table path means the table shipped with ActorNas (Nb201TableLoader.Shipped)
        if (evaluator.Name == "tabular" && search.Space.Name != Nb201Space.SpaceName)
            throw new SettingsException($"the tabular evaluator (the default) answers NAS-Bench-201 cells only; use --space nb201, " +
                $"or choose an evaluator for the {search.Space.Name} space: --evaluator synthetic, train or naswot");

        return new ActorNasSettings(search, evaluator, reader.Int("mutator.pool-size", min: 1), persistence,
            reader.Duration("progress.interval"), WeightCacheSettings.Read(reader, evaluator.Training.WeightCacheMb, search));
    }
}
