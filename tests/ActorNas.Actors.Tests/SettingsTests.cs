using ActorNas.Actors.Configuration;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces.Hierarchical;
using Akka.Configuration;
using Xunit;

namespace ActorNas.Actors.Tests;

public sealed class SettingsTests
{
    [Fact]
    public void The_embedded_defaults_read_into_typed_settings()
    {
        var settings = ActorNasSettings.From(ActorNasConfig.Reference);
        Assert.Equal(100, settings.Search.PopulationSize);
        Assert.Equal(25, settings.Search.SampleSize);
        Assert.Equal(1000, settings.Search.Budget);
        Assert.Equal(SchedulingMode.Continuous, settings.Search.Mode);
        Assert.Equal(settings.Evaluator.Workers, settings.Search.BatchSize);   // batch-size 0 means "the workers"
        Assert.Equal("nb201", settings.Search.Space.Name);
        Assert.Equal("tabular", settings.Evaluator.Name);   // on the shipped NAS-Bench-201 table
        Assert.Null(settings.Evaluator.Timeout);
        Assert.Equal(DurationKind.Zero, settings.Evaluator.Synthetic.Duration);
        Assert.Equal(PersistenceProvider.Sqlite, settings.Persistence.Provider);
        Assert.Equal(1000, settings.Persistence.SnapshotEvery);
    }

    [Fact]
    public void Every_key_of_the_reference_file_has_a_comment()
    {
        var lines = ActorNasConfig.ReferenceText().Split('\n').Select(l => l.Trim()).ToList();
        for (var i = 0; i < lines.Count; i++)
        {
            if (!lines[i].Contains(" = ", StringComparison.Ordinal) || lines[i].StartsWith('#')) continue;
            Assert.True(i > 0 && lines[i - 1].StartsWith('#'), $"key without a comment: {lines[i]}");
        }
    }

    [Theory]
    [InlineData("actornas.search.population-size = 0", "actornas.search.population-size")]
    [InlineData("actornas.search.mode = sometimes", "continuous, batch")]
    [InlineData("actornas.search.budget = lots", "actornas.search.budget")]
    [InlineData("actornas.space.name = darts", "darts")]
    [InlineData("actornas.evaluator.timeout = soon", "actornas.evaluator.timeout")]
    [InlineData("actornas.evaluator.synthetic.failure-rate = 1.5", "failure-rate")]
    [InlineData("actornas.space.sequential.units = [a, b]\nactornas.space.name = sequential", "actornas.space.sequential.units")]
    [InlineData("actornas.space.name = hierarchical\nactornas.space.hierarchical.stages = 0", "actornas.space.hierarchical.stages must be >= 1, got 0")]
    [InlineData("actornas.space.name = hierarchical\nactornas.space.hierarchical.pools = [4, 4, 4]",
        "actornas.space.hierarchical.pools stage 3's pool 4 (padding 0) shrinks the 2x2 image below 1 pixel (sizes 28 -> 7 -> 2)")]
    [InlineData("actornas.space.name = hierarchical\nactornas.space.hierarchical.channels = [4, 8]", "actornas.space.hierarchical.channels needs one value per stage")]
    [InlineData("actornas.space.name = hierarchical\nactornas.space.hierarchical.vertices = 9", "actornas.space.hierarchical.vertices must be in 2..5")]
    [InlineData("actornas.space.name = hierarchical\nactornas.space.hierarchical.kernel = three", "actornas.space.hierarchical.kernel")]
    [InlineData("actornas.search.strategy = darwin", "actornas.search.strategy = darwin is not one of: rea, fade")]
    [InlineData("actornas.search.strategy = fade", "the fade proxy trains a supernet over a region of the hierarchical space, not nb201")]
    [InlineData("actornas.space.name = hierarchical\nactornas.search.strategy = fade\nactornas.search.fade.neighbours = 1", "actornas.search.fade.neighbours = 1 is out of range")]
    [InlineData("actornas.space.name = hierarchical\nactornas.search.strategy = fade\nactornas.search.fade.neighbours = 99", "lower search.fade.neighbours")]
    [InlineData("actornas.space.name = hierarchical\nactornas.search.strategy = fade\nactornas.search.fade.epochs = 0", "actornas.search.fade.epochs = 0 is out of range")]
    [InlineData("actornas.space.name = hierarchical\nactornas.search.strategy = fade\nactornas.search.fade.learning-rate = 0", "actornas.search.fade.learning-rate")]
    [InlineData("actornas.space.name = hierarchical\nactornas.search.strategy = fade\nactornas.search.fade.training = second-order", "actornas.search.fade.training = second-order is not one of: joint, first-order")]
    [InlineData("actornas.space.name = spidernet\nactornas.space.spidernet.reduction-cells = 0", "reduction-cells must be in 1..6, got 0")]
    [InlineData("actornas.space.name = spidernet\nactornas.space.spidernet.initial-channels = 0", "initial-channels must be >= 1, got 0")]
    [InlineData("actornas.space.name = spidernet\nactornas.search.growth.rule = largest", "actornas.search.growth.rule = largest is not one of: metrics, random")]
    [InlineData("actornas.space.name = spidernet\nactornas.search.growth.ntk-images = 2", "actornas.search.growth.ntk-images = 2 is out of range")]
    [InlineData("actornas.space.name = spidernet\nactornas.search.strategy = fade", "search.strategy = fade needs space.name = hierarchical, not spidernet")]
    [InlineData("actornas.space.name = spidernet\nactornas.search.screening { mutants = 4, proxy = surrogate }", "turn screening off")]
    public void A_bad_setting_is_refused_with_its_name(string hocon, string expected)
    {
        var e = Assert.Throws<SettingsException>(() => ActorNasSettings.From(ActorNasConfig.Combine(ConfigurationFactory.ParseString(hocon))));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void The_hierarchical_space_reads_its_section()
    {
        var settings = ActorNasSettings.From(ActorNasConfig.Combine(ConfigurationFactory.ParseString(
            "actornas.evaluator.name = synthetic\n" +
            "actornas.space { name = hierarchical, hierarchical { stages = 2, vertices = 5, channels = [6, 12], pools = [2, 2], " +
            "pool-padding = [1, 0], kernel = 5, normalise = off, input-channels = 3, image-size = 32, classes = 100 } }")));
        var space = Assert.IsType<Core.Spaces.Hierarchical.HierarchicalSpace>(settings.Search.Space.Create());
        Assert.Equal(new Core.Spaces.Hierarchical.HierarchicalSpaceSettings
        {
            Stages = 2, Vertices = 5, Channels = [6, 12], Pools = [2, 2], PoolPadding = [1, 0], Kernel = 5, Normalise = false,
            InputChannels = 3, ImageSize = 32, Classes = 100,
        }, space.Settings);
        // the defaults are the space's own
        var defaults = ActorNasSettings.From(ActorNasConfig.Combine(ConfigurationFactory.ParseString(
            "actornas.space.name = hierarchical\nactornas.evaluator.name = synthetic")));
        Assert.Equal(new Core.Spaces.Hierarchical.HierarchicalSpaceSettings(), defaults.Search.Space.Hierarchical);
        Assert.Null(ActorNasSettings.From(ActorNasConfig.Reference).Search.Space.Hierarchical);
    }

    [Fact]
    public void The_fade_strategy_keeps_one_centre_and_ranks_its_neighbours_with_region_supernets()
    {
        var settings = ActorNasSettings.From(ActorNasConfig.Combine(ConfigurationFactory.ParseString(
            "actornas.space.name = hierarchical\nactornas.evaluator.name = synthetic\n" +
            "actornas.search { strategy = fade, population-size = 50, sample-size = 10, " +
            "fade { neighbours = 6, epochs = 2, batch-size = 128, learning-rate = 0.1, final-learning-rate = 0.02, training = first-order } }")));
        var search = settings.Search;
        Assert.Equal(1, search.PopulationSize);
        Assert.Equal(1, search.SampleSize);
        Assert.Equal(new Screening(6, ProxyKind.Fade, new RegionTrainingSettings(2, 128, 0.1, 0.02, RegionTrainingMode.FirstOrder)), search.Screening);

        // the fade proxy also screens under plain REA, with the same training settings
        var hybrid = ActorNasSettings.From(ActorNasConfig.Combine(ConfigurationFactory.ParseString(
            "actornas.space.name = hierarchical\nactornas.evaluator.name = synthetic\nactornas.search.screening { mutants = 4, proxy = fade }")));
        Assert.Equal(new Screening(4, ProxyKind.Fade, new RegionTrainingSettings()), hybrid.Search.Screening);
        Assert.Equal(100, hybrid.Search.PopulationSize);
    }

    [Fact]
    public void The_spidernet_space_grows_one_network_a_round_at_a_time_with_its_growth_settings()
    {
        var settings = ActorNasSettings.From(ActorNasConfig.Combine(ConfigurationFactory.ParseString(
            "actornas.evaluator { name = synthetic, workers = 3 }\n" +
            "actornas.space { name = spidernet, spidernet { reduction-cells = 3, initial-channels = 6 } }\n" +
            "actornas.search { population-size = 50, sample-size = 10, mode = continuous, batch-size = 4, " +
            "growth { rule = random, memory-budget-mb = 300, reinitialisations = 2, ntk-images = 16, crops = 200 } }")));
        var search = settings.Search;
        Assert.Equal((1, 1, SchedulingMode.Batch, 1), (search.PopulationSize, search.SampleSize, search.Mode, search.BatchSize));
        Assert.Equal(new Core.Spaces.SpiderNet.SpiderNetSpaceSettings(3, 6), search.Space.SpiderNet);
        Assert.Equal(new Core.Growth.GrowthSpec(Core.Growth.GrowthRule.Random, 300, 2, 16, 200), search.Growth);

        // the defaults: SpiderNet's own rule and sizes, no memory gate; every other space has no growth
        var defaults = ActorNasSettings.From(ActorNasConfig.Combine(ConfigurationFactory.ParseString(
            "actornas.evaluator.name = synthetic\nactornas.space.name = spidernet")));
        Assert.Equal(new Core.Growth.GrowthSpec(), defaults.Search.Growth);
        Assert.Equal(new Core.Spaces.SpiderNet.SpiderNetSpaceSettings(), defaults.Search.Space.SpiderNet);
        Assert.Null(ActorNasSettings.From(ActorNasConfig.Reference).Search.Growth);
    }

    [Theory]
    [InlineData("actornas { search { budget = [ } }", "does not match")]
    [InlineData("actornas { search { budget = 5 }", "never closed")]
    [InlineData("actornas { } }", "closes nothing")]
    [InlineData("actornas.space.name = \"nb201", "never closed")]
    [InlineData("actornas.search.population-size = 20\nactornas.search.budget 40\n", "line 2: `actornas.search.budget 40` has no '='")]
    [InlineData("actornas.search {\n  budget = = 5\n}", "line 2: the value of `budget` starts with '='")]
    [InlineData("actornas.search.budget = 5 actornas.search.sample-size = 3", "line 1: '=' inside the value of `actornas.search.budget`")]
    [InlineData("actornas.evaluator.train.device = cuda:1", "line 1: ':' inside the value")]
    [InlineData("actornas.search.budget =\nactornas.search.sample-size = 3", "line 1: `actornas.search.budget` has '=' but no value")]
    [InlineData("actornas.search {\n  budget\n}", "line 2: `budget` has no value")]
    [InlineData("= 5", "line 1: '=' where a key should start")]
    public void Malformed_HOCON_is_refused_before_the_parser_sees_it(string hocon, string expected)
    {
        var e = Assert.Throws<SettingsException>(() => ActorNasConfig.Parse(hocon, "test"));
        Assert.Contains(expected, e.Message);
    }

    /// <summary>The stricter check must not refuse what HOCON allows and ActorNas's own files and users' files use.</summary>
    [Theory]
    [InlineData("actornas.evaluator.synthetic { duration = lognormal, mean = 3ms, sigma = 0.5 }")]
    [InlineData("actornas {\n  search: { budget: 5 }\n  evaluator.name = synthetic # a comment\n  // another\n}")]
    [InlineData("{ actornas.search.budget = 5 }")]
    [InlineData("akka.actor.serialization-bindings { \"ActorNas.Core.Events.ISearchEvent, ActorNas.Core\" = actornas }")]
    [InlineData("actornas.cluster.seed-nodes = [\"akka.tcp://actornas@127.0.0.1:4053\",\n  \"akka.tcp://actornas@127.0.0.1:4054\"]")]
    [InlineData("a = [1, 2\n, 3]\nb = ${?HOME}\nc = \"x\" y\nd += 4\ne = \"\"\"two\nlines\"\"\"\nf = [{ x = 1 }, { y = 2 }]")]
    [InlineData("a = 1, b = 2\r\nc = 3\r\n")]
    public void Valid_HOCON_passes_the_check(string hocon) => ActorNasConfig.Parse(hocon, "test");

    [Fact]
    public void Every_shipped_HOCON_file_passes_the_check()
    {
        var root = ActorNas.Tests.Shared.RepositoryRoot.Path();
        var files = Directory.EnumerateFiles(Path.Combine(root, "hocon"), "*.conf")
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "examples"), "*.conf", SearchOption.AllDirectories)).ToList();
        Assert.NotEmpty(files);
        foreach (var file in files) ActorNasConfig.Parse(File.ReadAllText(file), file);
    }

    [Fact]
    public void Flags_win_over_files_which_win_over_the_defaults()
    {
        var file = ConfigurationFactory.ParseString("actornas.search { budget = 50, sample-size = 3 }");
        var flags = ConfigurationFactory.ParseString("actornas.search.budget = 7");
        var settings = ActorNasSettings.From(ActorNasConfig.Combine(flags, file));
        Assert.Equal(7, settings.Search.Budget);
        Assert.Equal(3, settings.Search.SampleSize);
        Assert.Equal(100, settings.Search.PopulationSize);
    }
}
