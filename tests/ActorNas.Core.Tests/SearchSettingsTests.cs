using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;
using Xunit;

namespace ActorNas.Core.Tests;

public sealed class SearchSettingsTests
{
    private static readonly SearchSettings Good = new() { Space = new SearchSpaceSpec(Nb201Space.SpaceName) };

    [Fact]
    public void The_defaults_are_valid()
    {
        Good.Validate();
        Assert.Equal((100, 25, 1000, SchedulingMode.Continuous, 8, 3), (Good.PopulationSize, Good.SampleSize, Good.Budget, Good.Mode, Good.BatchSize, Good.MaxAttempts));
    }

    public static TheoryData<string, string> BadSettings => new()
    {
        { "population", "population size must be >= 1, got 0" },
        { "sample0", "sample size must be between 1 and the population size (100), got 0" },
        { "sample>P", "sample size must be between 1 and the population size (100), got 101" },
        { "budget", "budget must be >= 1 evaluation, got 0" },
        { "batch", "batch size must be >= 1, got 0" },
        { "attempts", "max attempts must be >= 1, got 0" },
        { "failures", "max failures must be >= 1, got 0" },
        { "evaluator", "evaluator name must not be empty" },
        { "bias", "later-bias must be a finite number >= 0" },
        { "space", "unknown search space \"nope\"" },
        { "sequential", "layers must be >= 1" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void A_bad_setting_is_named(string setting, string expected)
    {
        var config = setting switch
        {
            "population" => Good with { PopulationSize = 0 },
            "sample0" => Good with { SampleSize = 0 },
            "sample>P" => Good with { SampleSize = 101 },
            "budget" => Good with { Budget = 0 },
            "batch" => Good with { BatchSize = 0 },
            "attempts" => Good with { MaxAttempts = 0 },
            "failures" => Good with { MaxFailures = 0 },
            "evaluator" => Good with { Evaluator = " " },
            "bias" => Good with { Mutation = new PositionWeighting(-1) },
            "space" => Good with { Space = new SearchSpaceSpec("nope") },
            "sequential" => Good with { Space = new SearchSpaceSpec(SequentialSpace.SpaceName, new SequentialSpaceSettings { Layers = 0 }) },
            _ => throw new ArgumentOutOfRangeException(nameof(setting)),
        };
        var error = Assert.Throws<ArgumentException>(config.Validate);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
