using ActorNas.Core.Evaluation;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;
using ActorNas.Core.Tests.TestSupport;
using Xunit;

namespace ActorNas.Core.Tests;

/// <summary>How long is too long: the recent-durations window, `timeout = auto`, the overdue warning, running ages.</summary>
public sealed class EvaluationLimitsTests
{
    private static readonly DateTimeOffset T0 = new(2024, 5, 1, 8, 0, 0, TimeSpan.Zero);

    private static SearchSettings Config(int budget = 1000) => new()
    {
        Space = new SearchSpaceSpec(Nb201Space.SpaceName), PopulationSize = 5, SampleSize = 2, Budget = budget, Seed = 3,
    };

    /// <summary>Evaluates <paramref name="count"/> candidates one after another, each taking <paramref name="seconds"/>.</summary>
    private static DateTimeOffset Evaluate(SearchState state, int count, double seconds, DateTimeOffset from)
    {
        var at = from;
        for (var i = 0; i < count; i++)
        {
            var c = StateSteps.Take(state, "w0", "n", at);
            var end = at.AddSeconds(seconds);
            StateSteps.Apply(state, state.Complete(c.Id, new EvaluationResult(i), at, end, "w0", "n"));
            at = end;
        }
        return at;
    }

    [Fact]
    public void The_window_keeps_the_most_recent_durations_and_answers_nearest_rank_quantiles()
    {
        var window = new DurationWindow();
        Assert.Null(window.Quantile(0.5));
        for (var i = 1; i <= DurationWindow.Capacity + 10; i++) window.Add(TimeSpan.FromSeconds(i));
        Assert.Equal(DurationWindow.Capacity, window.Count);
        Assert.Equal(11, window.Oldest()[0]);   // the first ten were pushed out
        Assert.Equal(DurationWindow.Capacity + 10, window.Oldest()[^1]);
        Assert.Equal(11, window.Quantile(0));
        Assert.Equal(DurationWindow.Capacity + 10, window.Quantile(1));
        Assert.Equal(10 + 128, window.Quantile(0.5));   // rank ceil(0.5 * 256) = 128
    }

    [Fact]
    public void Auto_timeout_is_ten_times_the_p95_with_the_slots_floor_and_none_before_ten_results()
    {
        var state = StateSteps.Started(Config(), T0);
        var at = Evaluate(state, EvaluationLimits.MinimumResults - 1, 20, T0);
        Assert.Null(state.AutoTimeout);
        at = Evaluate(state, 1, 20, at);
        Assert.Equal(TimeSpan.FromSeconds(200), state.AutoTimeout);

        var fast = StateSteps.Started(Config(), T0);
        Evaluate(fast, 20, 0.5, T0);
        Assert.Equal(TimeSpan.FromSeconds(5), fast.AutoTimeout);
        Assert.Equal(TimeSpan.FromSeconds(60), EvaluationLimits.WithFloor(fast.AutoTimeout, TimeSpan.FromSeconds(60)));
        Assert.Equal(TimeSpan.FromSeconds(200), EvaluationLimits.WithFloor(state.AutoTimeout, TimeSpan.FromSeconds(60)));
        Assert.Null(EvaluationLimits.WithFloor(null, TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public void A_candidate_running_past_ten_medians_is_overdue_and_the_oldest_comes_first()
    {
        var state = StateSteps.Started(Config(), T0);
        var at = Evaluate(state, 12, 10, T0);
        var first = StateSteps.Take(state, "w1", "n", at);
        var second = StateSteps.Take(state, "w2", "n", at.AddSeconds(50));
        Assert.Empty(state.Overdue(at.AddSeconds(100)));   // 100 s = 10 x median, not past it
        Assert.Equal([first.Id], state.Overdue(at.AddSeconds(101)).Select(p => p.Id));
        Assert.Equal([first.Id, second.Id], state.Overdue(at.AddSeconds(151)).Select(p => p.Id));
        Assert.Equal([first.Id, second.Id], state.LongestRunning(5).Select(p => p.Id));
        Assert.Equal(at, state.Pending[first.Id].StartedAt);

        // released work is not running any more: no age, not overdue
        StateSteps.Apply(state, state.Release("w1", "test", at.AddSeconds(200)));
        Assert.Null(state.Pending[first.Id].StartedAt);
        Assert.Equal([second.Id], state.Overdue(at.AddSeconds(200)).Select(p => p.Id));
    }

    [Fact]
    public void Short_evaluations_are_not_overdue_before_the_floor()
    {
        var state = StateSteps.Started(Config(), T0);
        var at = Evaluate(state, 12, 0.01, T0);
        StateSteps.Take(state, "w1", "n", at);
        Assert.Empty(state.Overdue(at + EvaluationLimits.WarnFloor));
        Assert.Single(state.Overdue(at + EvaluationLimits.WarnFloor + TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void Durations_and_start_times_survive_a_snapshot()
    {
        var state = StateSteps.Started(Config(), T0);
        var at = Evaluate(state, 15, 7, T0);
        StateSteps.Take(state, "w1", "n", at);
        var restored = SearchState.FromSnapshot(state.ToSnapshot());
        Assert.True(restored.SameAs(state));
        Assert.Equal(state.RecentDurations.Oldest(), restored.RecentDurations.Oldest());
        Assert.Equal(state.AutoTimeout, restored.AutoTimeout);
        Assert.Equal(state.LongestRunning(1)[0].StartedAt, restored.LongestRunning(1)[0].StartedAt);
    }
}
