using ActorNas.Actors.Configuration;
using ActorNas.Actors.Evaluators;
using ActorNas.Actors.Tabular;
using ActorNas.Core.Evolution;
using ActorNas.Core.Tabular;
using Akka.Configuration;
using Xunit;

namespace ActorNas.Actors.Tests;

/// <summary>The <c>actornas.evaluator.tabular</c> and <c>actornas.search.screening</c> keys, read and checked.</summary>
public sealed class TabularSettingsTests
{
    private static ActorNasSettings Read(string hocon) =>
        ActorNasSettings.From(ActorNasConfig.Combine(ConfigurationFactory.ParseString(hocon)));

    private static SettingsException Refused(string hocon) => Assert.Throws<SettingsException>(() => Read(hocon));

    [Fact]
    public void The_defaults_are_the_tabular_evaluator_on_the_shipped_table_cifar10_no_sleeping_and_no_screening()
    {
        var settings = ActorNasSettings.From(ActorNasConfig.Reference);
        Assert.Equal(BuiltInEvaluators.Tabular, settings.Evaluator.Name);
        Assert.Equal(BuiltInEvaluators.Tabular, settings.Search.Evaluator);
        Assert.Equal("", settings.Evaluator.TablePath);
        Assert.Equal(Nb201Dataset.Cifar10, settings.Evaluator.Tabular.Dataset);
        Assert.Equal(0, settings.Evaluator.Tabular.TimeScale);
        Assert.Equal(new DurationModel(1.0, 0.2), settings.Evaluator.Tabular.DurationModel);
        Assert.Equal(Screening.Off, settings.Search.Screening);
        Assert.False(settings.Search.Screening.IsOn);
    }

    [Theory]
    [InlineData("cifar10", Nb201Dataset.Cifar10)]
    [InlineData("cifar100", Nb201Dataset.Cifar100)]
    [InlineData("\"imagenet16-120\"", Nb201Dataset.ImageNet16)]
    [InlineData("imagenet16-120", Nb201Dataset.ImageNet16)]
    [InlineData("CIFAR100", Nb201Dataset.Cifar100)]
    public void The_tabular_keys_parse(string dataset, Nb201Dataset expected)
    {
        var settings = Read($$"""
            actornas.evaluator {
              name = tabular
              tabular { table = "/data/nb201.csv", dataset = {{dataset}}, time-scale = 0.25, seconds-per-megaflop = 2, duration-sigma = 0 }
            }
            actornas.search.screening { mutants = 8, proxy = flops }
            """);
        Assert.Equal(BuiltInEvaluators.Tabular, settings.Evaluator.Name);
        Assert.Equal(BuiltInEvaluators.Tabular, settings.Search.Evaluator);
        Assert.Equal("/data/nb201.csv", settings.Evaluator.TablePath);
        Assert.Equal(expected, settings.Evaluator.Tabular.Dataset);
        Assert.Equal(0.25, settings.Evaluator.Tabular.TimeScale);
        Assert.Equal(new DurationModel(2, 0), settings.Evaluator.Tabular.DurationModel);
        Assert.Equal(new Screening(8, ProxyKind.Flops), settings.Search.Screening);
        Assert.True(settings.Search.Screening.IsOn);
    }

    [Fact]
    public void The_surrogate_proxy_works_with_the_sequential_space_too()
    {
        var settings = Read("""
            actornas.space.name = sequential
            actornas.evaluator.name = synthetic
            actornas.search.screening { mutants = 3, proxy = surrogate }
            """);
        Assert.Equal(new Screening(3, ProxyKind.Surrogate), settings.Search.Screening);
    }

    [Theory]
    [InlineData("ntk", ProxyKind.Ntk)]
    [InlineData("linear-regions", ProxyKind.LinearRegions)]
    [InlineData("naswot", ProxyKind.Naswot)]
    public void The_network_building_proxies_read_by_their_documented_names(string name, ProxyKind expected)
    {
        var settings = Read($$"""
            actornas.space.name = sequential
            actornas.evaluator.name = synthetic
            actornas.search.screening { mutants = 3, proxy = {{name}} }
            """);
        Assert.Equal(new Screening(3, expected), settings.Search.Screening);
        Assert.Equal(name, ProxyModel.Name(expected));
    }

    [Fact]
    public async Task Tabular_without_a_table_answers_from_the_shipped_table()
    {
        foreach (var hocon in new[] { "", "actornas.evaluator.name = tabular", "actornas.evaluator { name = tabular, tabular.table = \"  \" }" })
        {
            var settings = Read(hocon);
            var evaluator = BuiltInEvaluators.Factory(settings.Evaluator)(0);
            var cell = Nb201Table.CellAt(12_345);
            var result = await evaluator.EvaluateAsync(new Core.Evaluation.Candidate(1, null, cell, 1),
                new Core.Evaluation.EvaluationContext("s", Core.Spaces.Nb201Space.Instance, 1, "w", "n", 0), CancellationToken.None);
            var entry = Nb201TableLoader.Shipped.Lookup(cell, Nb201Dataset.Cifar10);
            Assert.Equal(entry.ValidAccuracy, result.Objective);
            Assert.Equal(entry.TestAccuracy, result.Metrics!["testAccuracy"]);
        }
    }

    [Fact]
    public void The_default_evaluator_with_the_sequential_space_is_refused_naming_the_evaluators_that_fit()
    {
        var e = Refused("actornas.space.name = sequential");
        Assert.Contains("tabular", e.Message, StringComparison.Ordinal);
        Assert.Contains("--space nb201", e.Message, StringComparison.Ordinal);
        Assert.Contains("--evaluator synthetic", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tabular_with_the_sequential_space_is_refused()
    {
        var e = Refused("""
            actornas.space.name = sequential
            actornas.evaluator { name = tabular, tabular.table = "/data/nb201.csv" }
            """);
        Assert.Contains("nb201", e.Message, StringComparison.Ordinal);
        Assert.Contains("sequential", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Screening_several_mutants_without_a_proxy_is_refused()
    {
        var e = Refused("actornas.search.screening { mutants = 3, proxy = none }");
        Assert.Contains("3 mutants", e.Message, StringComparison.Ordinal);
        Assert.Contains("proxy", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("actornas.search.screening.mutants = 0", "actornas.search.screening.mutants")]
    [InlineData("actornas.search.screening.proxy = magic", "flops")]
    [InlineData("actornas.search.screening.proxy = magic", "none, flops, surrogate, naswot, ntk, linear-regions, fade")]
    [InlineData("actornas.search.screening.proxy = 1", "flops")]
    [InlineData("actornas.space.name = sequential\nactornas.evaluator.name = synthetic\nactornas.search.screening { mutants = 2, proxy = flops }", "surrogate")]
    [InlineData("actornas.evaluator.tabular.time-scale = -1", "actornas.evaluator.tabular.time-scale")]
    [InlineData("actornas.evaluator.tabular.time-scale = slow", "actornas.evaluator.tabular.time-scale")]
    [InlineData("actornas.evaluator.tabular.seconds-per-megaflop = 0", "seconds-per-megaflop")]
    [InlineData("actornas.evaluator.tabular.duration-sigma = -0.1", "duration-sigma")]
    public void Other_bad_tabular_and_screening_values_are_refused_with_their_name(string hocon, string expected)
    {
        var e = Refused(hocon);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_dataset_is_refused_naming_the_allowed_ones()
    {
        var e = Refused("actornas.evaluator.tabular.dataset = cifar11");
        Assert.Contains("\"cifar11\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("actornas.evaluator.tabular.dataset", e.Message, StringComparison.Ordinal);
        Assert.Contains("cifar10, cifar100, imagenet16-120", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_factory_loads_the_table_up_front_so_a_missing_one_fails_before_any_slot_exists()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-table-{Guid.NewGuid():N}.csv");
        var settings = Read($"actornas.evaluator {{ name = tabular, tabular.table = \"{missing}\" }}");
        var e = Assert.Throws<TableFormatException>(() => BuiltInEvaluators.Factory(settings.Evaluator));
        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
        Assert.Contains("--table", e.Message, StringComparison.Ordinal);
    }
}
