using ActorNas.Actors.Configuration;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Evolution;
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
    public void A_bad_setting_is_refused_with_its_name(string hocon, string expected)
    {
        var e = Assert.Throws<SettingsException>(() => ActorNasSettings.From(ActorNasConfig.Combine(ConfigurationFactory.ParseString(hocon))));
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("actornas { search { budget = [ } }", "does not match")]
    [InlineData("actornas { search { budget = 5 }", "never closed")]
    [InlineData("actornas { } }", "closes nothing")]
    [InlineData("actornas.space.name = \"nb201", "never closed")]
    public void Malformed_HOCON_is_refused_before_the_parser_sees_it(string hocon, string expected)
    {
        var e = Assert.Throws<SettingsException>(() => ActorNasConfig.Parse(hocon, "test"));
        Assert.Contains(expected, e.Message);
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
