using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;
using ActorNas.Core.Growth;
using ActorNas.Core.Spaces.Hierarchical;
using ActorNas.Core.Spaces.SpiderNet;

namespace ActorNas.Actors.Configuration;

/// <summary>Reads <c>actornas.search</c> and <c>actornas.space</c> into the search's own settings (Core's <see cref="SearchSettings"/>).</summary>
internal static class SearchSection
{
    /// <param name="settingsText">The HOCON the user supplied, recorded with the search for resume.</param>
    public static SearchSettings Read(SettingsReader reader, EvaluatorSettings evaluator, string settingsText)
    {
        var batch = reader.Int("search.batch-size", min: 0);
        var space = reader.String("space.name");
        var fade = reader.Enum<SearchStrategy>("search.strategy") == SearchStrategy.Fade;
        // SpiderNet grows one network a round at a time; the reader sets what that means (WithOneNetwork), so the log records it
        var spider = space == SpiderNetSpace.SpaceName;
        if (spider && fade) throw new SettingsException("search.strategy = fade needs space.name = hierarchical, not spidernet (which grows by search.growth)");
        var search = new SearchSettings
        {
            Space = new SearchSpaceSpec(space,
                space == SequentialSpace.SpaceName
                    ? new SequentialSpaceSettings
                    {
                        Layers = reader.Int("space.sequential.layers", min: 1),
                        Units = reader.IntList("space.sequential.units"),
                        Activations = reader.StringList("space.sequential.activations"),
                    }
                    : null,
                space == HierarchicalSpace.SpaceName ? ReadHierarchical(reader) : null,
                spider ? new SpiderNetSpaceSettings(reader.Int("space.spidernet.reduction-cells"), reader.Int("space.spidernet.initial-channels")) : null),
            // FaDE is memory-less: the centre is the whole population, and the tournament is trivially it
            PopulationSize = fade ? 1 : reader.Int("search.population-size", min: 1),
            SampleSize = fade ? 1 : reader.Int("search.sample-size", min: 1),
            Budget = reader.Int("search.budget", min: 1),
            Mode = reader.Enum<SchedulingMode>("search.mode"),
            BatchSize = batch == 0 ? evaluator.Workers : batch,
            MaxAttempts = reader.Int("search.max-attempts", min: 1),
            MaxFailures = reader.Int("search.max-failures", min: 1),
            Seed = reader.Long("search.seed"),
            Mutation = new PositionWeighting(reader.Double("search.mutation.later-bias", min: 0)),
            Screening = fade
                ? new Screening(reader.Int("search.fade.neighbours", min: 2), ProxyKind.Fade, ReadFade(reader))
                : ReadScreening(reader),
            Growth = spider ? ReadGrowth(reader) : null,
            Evaluator = evaluator.Name,
            Settings = RecordedSettings.Of(settingsText),
        };
        if (spider) search = search.WithOneNetwork();
        try
        {
            search.Validate();
        }
        catch (ArgumentException e)
        {
            throw new SettingsException(e.Message);
        }
        return search;
    }

    private static Screening ReadScreening(SettingsReader reader)
    {
        var proxy = reader.Enum<ProxyKind>("search.screening.proxy", ProxyModel.Name);
        return new Screening(reader.Int("search.screening.mutants", min: 1), proxy, proxy == ProxyKind.Fade ? ReadFade(reader) : null);
    }

    private static GrowthSpec ReadGrowth(SettingsReader reader) => new(
        reader.Enum<GrowthRule>("search.growth.rule"),
        reader.Int("search.growth.memory-budget-mb", min: 0),
        reader.Int("search.growth.reinitialisations", min: 1),
        reader.Int("search.growth.ntk-images", min: 3),
        reader.Int("search.growth.crops", min: 2));

    private static RegionTrainingSettings ReadFade(SettingsReader reader) => new(
        reader.Int("search.fade.epochs", min: 1),
        reader.Int("search.fade.batch-size", min: 1),
        reader.Double("search.fade.learning-rate", min: double.Epsilon),
        reader.Double("search.fade.final-learning-rate", min: double.Epsilon),
        reader.Enum<RegionTrainingMode>("search.fade.training", m => m == RegionTrainingMode.FirstOrder ? "first-order" : "joint"));

    // Ranges and the relations between keys (one list entry per stage, pools that leave a pixel) are checked by
    // HierarchicalSpaceSettings.Validate, whose messages name the key.
    private static HierarchicalSpaceSettings ReadHierarchical(SettingsReader reader) => new()
    {
        Stages = reader.Int("space.hierarchical.stages"),
        Vertices = reader.Int("space.hierarchical.vertices"),
        Channels = reader.IntList("space.hierarchical.channels"),
        Pools = reader.IntList("space.hierarchical.pools"),
        PoolPadding = reader.IntList("space.hierarchical.pool-padding"),
        Kernel = reader.Int("space.hierarchical.kernel"),
        Normalise = reader.Bool("space.hierarchical.normalise"),
        InputChannels = reader.Int("space.hierarchical.input-channels"),
        ImageSize = reader.Int("space.hierarchical.image-size"),
        Classes = reader.Int("space.hierarchical.classes"),
    };
}
