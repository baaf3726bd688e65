using ActorNas.Actors.Configuration;
using Akka.Configuration;
using Xunit;

namespace ActorNas.Actors.Tests.Caching;

/// <summary>The <c>actornas.weight-cache</c> keys, their defaults, the old keep-models-mb name, and refused values.</summary>
public sealed class WeightCacheSettingsTests
{
    private static ActorNasSettings Read(string hocon) => ActorNasSettings.From(ActorNasConfig.Combine(ConfigurationFactory.ParseString(hocon)));

    [Fact]
    public void The_reference_file_has_the_defaults_of_WeightCacheSettings()
    {
        var read = ActorNasSettings.From(ActorNasConfig.Reference);
        Assert.Equal(new WeightCacheSettings(FetchTimeout: TimeSpan.FromSeconds(10)), read.WeightCache);
        Assert.Equal(512, read.Evaluator.Training.WeightCacheMb);
    }

    [Fact]
    public void Every_key_is_read()
    {
        var read = Read("""
            actornas.weight-cache {
              policy = NONE, memory-mb = 64, donor-window = 7, fetch-timeout = 3s, chunk-bytes = 4096, chunk-window = 2
              disk { path = "/tmp/x", capacity-mb = 9 }
            }
            actornas.search { population-size = 40, sample-size = 8 }
            """);
        // the search's P and S go along: donor-popularity predicts the donor choices with them
        Assert.Equal(new WeightCacheSettings("none", 64L << 20, "/tmp/x", 9L << 20, 7, TimeSpan.FromSeconds(3), 4096, 2, 40, 8), read.WeightCache);
        Assert.Equal(64, read.Evaluator.Training.WeightCacheMb);   // the in-process fallback has the same capacity
    }

    [Fact]
    public void The_old_keep_models_mb_is_read_as_the_caches_memory()
    {
        var read = Read("actornas.evaluator.train.keep-models-mb = 32");
        Assert.Equal(32L << 20, read.WeightCache.MemoryBytes);
        Assert.Equal(32, read.Evaluator.Training.WeightCacheMb);
    }

    [Theory]
    [InlineData("actornas.weight-cache.policy = fifo", "unknown cache policy \"fifo\"")]
    [InlineData("actornas.weight-cache.memory-mb = -1", "actornas.weight-cache.memory-mb")]
    [InlineData("actornas.weight-cache.chunk-bytes = 200000", "maximum-frame-size")]
    [InlineData("actornas.weight-cache.chunk-bytes = 10", "actornas.weight-cache.chunk-bytes")]
    [InlineData("actornas.weight-cache.donor-window = 0", "actornas.weight-cache.donor-window")]
    [InlineData("actornas.weight-cache.fetch-timeout = 0s", "actornas.weight-cache.fetch-timeout")]
    [InlineData("actornas.weight-cache.disk.capacity-mb = -2", "actornas.weight-cache.disk.capacity-mb")]
    public void Bad_values_are_refused_naming_the_key(string hocon, string expected)
    {
        var e = Assert.Throws<SettingsException>(() => Read(hocon));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}
