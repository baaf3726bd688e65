using System.Text;
using ActorNas.Core.Events;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;
using Xunit;

namespace ActorNas.Core.Tests;

/// <summary>Hybrid evolution added <c>screening</c> to the recorded config; logs from before it must still read.</summary>
public sealed class ScreeningLogCompatibilityTests
{
    [Fact]
    public void A_search_started_event_written_before_screening_existed_reads_as_screening_off()
    {
        const string json = """
            {"config":{"space":{"name":"nb201"},"populationSize":10,"sampleSize":3,"budget":50,"mode":"Continuous",
             "batchSize":4,"maxAttempts":3,"maxFailures":1000,"seed":7,"mutation":{"laterBias":0},
             "evaluator":"synthetic","settings":""},"at":"2026-11-24T10:00:00+00:00"}
            """;
        var started = (SearchStarted)EventSerializer.FromBytes(Encoding.UTF8.GetBytes(json), "search-started.v1");
        Assert.Equal(Screening.Off, started.Config.Screening);
        Assert.False(started.Config.Screening.IsOn);
        Assert.Equal(7, started.Config.Seed);
    }

    [Fact]
    public void Screening_round_trips_through_the_log()
    {
        var config = new SearchSettings
        {
            Space = new SearchSpaceSpec(Nb201Space.SpaceName),
            Screening = new Screening(8, ProxyKind.Surrogate),
        };
        var started = new SearchStarted(config, DateTimeOffset.UnixEpoch);
        var bytes = EventSerializer.ToBytes(started);
        Assert.Contains("\"proxy\":\"Surrogate\"", Encoding.UTF8.GetString(bytes));
        var back = (SearchStarted)EventSerializer.FromBytes(bytes, EventSerializer.ManifestOf(started));
        Assert.Equal(new Screening(8, ProxyKind.Surrogate), back.Config.Screening);
    }
}
