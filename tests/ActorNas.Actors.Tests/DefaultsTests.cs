using ActorNas.Actors.Configuration;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;
using ActorNas.Core.Tabular;
using Akka.Configuration;
using Xunit;

namespace ActorNas.Actors.Tests;

/// <summary>
/// Defaults live in hocon/actornas.conf. The C# records keep the same values for code that builds them without the
/// settings reader (tests, SimulatedSearch, the host API); here they are read from the embedded file and compared.
/// </summary>
public sealed class DefaultsTests
{
    private static readonly ActorNasSettings Reference = ActorNasSettings.From(ActorNasConfig.Reference);

    [Fact]
    public void SearchSettings_defaults_are_the_search_section_of_actornas_conf()
    {
        var built = new SearchSettings { Space = new SearchSpaceSpec(Nb201Space.SpaceName) };
        // batch-size = 0 means "the evaluator workers", resolved by the reader; SearchSettings keeps B = 8 (its remarks)
        Assert.Equal(Reference.Evaluator.Workers, Reference.Search.BatchSize);
        Assert.Equal(built, Reference.Search with { Settings = built.Settings, BatchSize = built.BatchSize });
    }

    [Fact]
    public void Evaluator_option_defaults_are_the_evaluator_section_of_actornas_conf()
    {
        Assert.Equal(new SyntheticSettings(), Reference.Evaluator.Synthetic);
        var tabular = new TabularSettings();
        Assert.Equal(tabular.DurationModel, Reference.Evaluator.Tabular.DurationModel);
        Assert.Equal(tabular with { Duration = Reference.Evaluator.Tabular.Duration }, Reference.Evaluator.Tabular);
        Assert.Equal(new TrainingSettings(), Reference.Evaluator.Training);

        var evaluator = new EvaluatorSettings("", 1, null, TimeSpan.Zero, new SyntheticSettings(), "", tabular, new TrainingSettings());
        Assert.Equal((evaluator.AutoTimeoutFloor, evaluator.AbandonAfter), (Reference.Evaluator.AutoTimeoutFloor, Reference.Evaluator.AbandonAfter));
    }

    [Fact]
    public void Persistence_and_weight_cache_defaults_are_those_of_actornas_conf()
    {
        var persistence = new PersistenceSettings(PersistenceProvider.Sqlite, "", "", 1);
        Assert.Equal((persistence.OutageGrace, persistence.CheckOnResume), (Reference.Persistence.OutageGrace, Reference.Persistence.CheckOnResume));

        var cache = new WeightCacheSettings();
        var read = Reference.WeightCache;
        Assert.Equal(
            (cache.Policy, cache.MemoryBytes, cache.DiskPath, cache.DiskBytes, cache.DonorWindow, cache.Timeout, cache.ChunkBytes,
                cache.ChunkWindow, cache.Population, cache.Sample, cache.MaxLayerBytes),
            (read.Policy, read.MemoryBytes, read.DiskPath, read.DiskBytes, read.DonorWindow, read.Timeout, read.ChunkBytes,
                read.ChunkWindow, read.Population, read.Sample, read.MaxLayerBytes));
    }

    [Fact]
    public void Sequential_space_defaults_are_those_of_actornas_conf()
    {
        var config = ActorNasConfig.Combine(ConfigurationFactory.ParseString("actornas.space.name = sequential\nactornas.evaluator.name = synthetic"));
        var read = ActorNasSettings.From(config).Search.Space.Sequential ?? throw new InvalidOperationException("no sequential options read");
        var built = new SequentialSpaceSettings();
        Assert.Equal(built.Layers, read.Layers);
        Assert.Equal(built.Units, read.Units);
        Assert.Equal(built.Activations, read.Activations);
    }
}
