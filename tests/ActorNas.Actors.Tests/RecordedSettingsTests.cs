using ActorNas.Actors.Configuration;
using Xunit;

namespace ActorNas.Actors.Tests;

/// <summary>What is recorded with a search and sent to its workers: its settings, never this node's secrets.</summary>
public sealed class RecordedSettingsTests
{
    private const string NodeConfig = """
        actornas.persistence.provider = postgresql
        actornas.persistence.postgresql.connection-string = "Host=db;Username=nas;Password=s3cr\"et,x"
        actornas.cluster.lease-timeout = 10m
        akka.remote.dot-netty.tcp.ssl.certificate.password = "tls-secret"
        actornas.search { budget = 321, population-size = 40, sample-size = 7, seed = 9 }
        actornas.evaluator.name = tabular
        actornas.evaluator.tabular.table = "/data/nas bench/\"201\".csv"
        actornas.evaluator.synthetic { duration = lognormal, mean = 60ms, sigma = 0.5 }
        actornas.weight-cache.policy = donor-popularity
        """;

    [Fact]
    public void Connection_strings_cluster_settings_and_the_akka_section_are_not_recorded()
    {
        var recorded = RecordedSettings.Of(NodeConfig);
        Assert.DoesNotContain("s3cr", recorded, StringComparison.Ordinal);
        Assert.DoesNotContain("tls-secret", recorded, StringComparison.Ordinal);
        Assert.DoesNotContain("persistence", recorded, StringComparison.Ordinal);
        Assert.DoesNotContain("lease-timeout", recorded, StringComparison.Ordinal);
        Assert.DoesNotContain("akka", recorded, StringComparison.Ordinal);
    }

    [Fact]
    public void The_recorded_text_reads_back_into_the_same_search_and_evaluator_settings()
    {
        var original = ActorNasSettings.From(ActorNasConfig.Combine(ActorNasConfig.Parse(NodeConfig, "test")), NodeConfig);
        var recorded = original.Search.Settings;
        var reread = ActorNasSettings.From(ActorNasConfig.Combine(ActorNasConfig.Parse(recorded, "recorded")), recorded);

        Assert.Equal(321, reread.Search.Budget);
        Assert.Equal(40, reread.Search.PopulationSize);
        Assert.Equal(7, reread.Search.SampleSize);
        Assert.Equal(9, reread.Search.Seed);
        Assert.Equal("/data/nas bench/\"201\".csv", reread.Evaluator.TablePath);
        Assert.Equal(original.Evaluator.Synthetic, reread.Evaluator.Synthetic);
        Assert.Equal("donor-popularity", reread.WeightCache.Policy);
        Assert.Equal(recorded, RecordedSettings.Of(recorded));   // recording twice changes nothing
        // the log is read with this node's own persistence settings, not recorded ones
        Assert.Equal(PersistenceProvider.Sqlite, reread.Persistence.Provider);
    }

    /// <summary>
    /// A search started on the default evaluator recorded no evaluator.name. The default was synthetic before it became
    /// tabular: resuming such a search must keep its evaluator, which its log names.
    /// </summary>
    [Fact]
    public void A_recorded_search_resumes_on_the_evaluator_its_log_names_not_on_todays_default()
    {
        var recordedBeforeTheChange = new Core.Evolution.SearchSettings
        {
            Space = new Core.Spaces.SearchSpaceSpec("sequential"),
            Evaluator = "synthetic",
            Settings = RecordedSettings.Of("actornas.space.name = sequential\nactornas.search.budget = 50"),
        };
        Assert.DoesNotContain("evaluator", recordedBeforeTheChange.Settings, StringComparison.Ordinal);
        var text = RecordedSettings.OfSearch(recordedBeforeTheChange);
        var settings = ActorNasSettings.From(ActorNasConfig.Combine(ActorNasConfig.Parse(text, "recorded")), text);
        Assert.Equal("synthetic", settings.Evaluator.Name);
        Assert.Equal(50, settings.Search.Budget);

        // a command-line --config still overrides what was recorded
        var overridden = ActorNasConfig.Combine(ActorNasConfig.Parse("actornas.evaluator.synthetic.mean = 5ms", "flags"),
            ActorNasConfig.Parse(text, "recorded"));
        Assert.Equal(5, ActorNasSettings.From(overridden).Evaluator.Synthetic.MeanMs);
    }

    [Fact]
    public void Lists_and_empty_text_survive()
    {
        Assert.Equal("", RecordedSettings.Of(""));
        Assert.Equal("", RecordedSettings.Of("akka.loglevel = DEBUG"));
        var recorded = RecordedSettings.Of("actornas.x.list = [1, \"a b\", 3]\nactornas.x.empty = \"\"");
        var config = ActorNasConfig.Parse(recorded, "recorded");
        Assert.Equal(["1", "a b", "3"], config.GetStringList("actornas.x.list"));
        Assert.Equal("", config.GetString("actornas.x.empty"));
    }
}
