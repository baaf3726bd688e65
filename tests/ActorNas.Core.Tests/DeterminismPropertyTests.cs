using ActorNas.Core.Events;
using ActorNas.Core.Tests.TestSupport;
using CsCheck;
using Xunit;

namespace ActorNas.Core.Tests;

public sealed class DeterminismPropertyTests
{
    [Fact]
    public void The_same_seed_and_the_same_calls_give_byte_identical_logs() =>
        Scenarios.Any().Sample(s =>
        {
            var first = SearchRun.Execute(s).Log.Select(LogCodec.Wire).ToList();
            var second = SearchRun.Execute(s).Log.Select(LogCodec.Wire).ToList();
            Assert.Equal(first, second);
        }, iter: 100);

    [Fact]
    public void A_different_search_seed_gives_different_candidates()
    {
        var scenario = new Scenario(
            new Evolution.SearchSettings { Space = new Spaces.SearchSpaceSpec("nb201"), PopulationSize = 10, SampleSize = 3, Budget = 30, Seed = 1 },
            Workers: 2, FailRate: 0, NanRate: 0, ReleaseRate: 0, HoldReservationRate: 0, CancelRate: 0, DuplicateRate: 0, MaxHeld: 1, DriverSeed: 7);
        var a = SearchRun.Execute(scenario).Log.OfType<CandidateProposed>().Select(p => p.Genotype).ToList();
        var b = SearchRun.Execute(scenario with { Config = scenario.Config with { Seed = 2 } }).Log.OfType<CandidateProposed>().Select(p => p.Genotype).ToList();
        Assert.Equal(30, a.Count);
        Assert.Equal(30, b.Count);
        Assert.NotEqual(a, b);
        Assert.True(a.Zip(b).Count(x => !x.First.Equals(x.Second)) > 20);
    }
}
