using ActorNas.Core.Evolution;
using ActorNas.Core.Tests.TestSupport;
using CsCheck;
using Xunit;

namespace ActorNas.Core.Tests;

/// <summary>The log is the search: replaying it, or a snapshot plus the rest of it, rebuilds the live state.</summary>
public sealed class ReplayPropertyTests
{
    [Fact]
    public void Replaying_every_prefix_of_the_stored_log_gives_the_live_state_at_that_point() =>
        Scenarios.Any().Sample(s =>
        {
            var run = SearchRun.Execute(s);
            var replayed = new SearchState();
            for (var i = 0; i < run.Log.Count; i++)
            {
                replayed.Apply(LogCodec.RoundTrip(run.Log[i]));
                Assert.True(replayed.ToSnapshot().Equivalent(run.Trace[i].After),
                    $"replay differs from the live state after event {i}: {run.Log[i]}");
            }
            Assert.True(SearchState.Replay(run.Log).SameAs(run.State));
            Assert.True(replayed.SameAs(run.State));
        }, iter: 150);

    [Fact]
    public void SearchState_Replay_of_a_prefix_equals_the_live_state_then()
    {
        Scenarios.Any().Sample(s =>
        {
            var run = SearchRun.Execute(s);
            var cuts = Enumerable.Range(1, 8).Select(k => k * run.Log.Count / 8).Where(n => n > 0).Distinct();
            foreach (var n in cuts)
                Assert.True(SearchState.Replay(run.Log.Take(n)).ToSnapshot().Equivalent(run.Trace[n - 1].After), $"prefix of {n} events");
        }, iter: 100);
    }

    [Fact]
    public void A_stored_snapshot_plus_the_rest_of_the_log_gives_the_final_state() =>
        Scenarios.Any().Sample(s =>
        {
            var run = SearchRun.Execute(s);
            var cuts = Enumerable.Range(0, 7).Select(k => k * (run.Log.Count - 1) / 6).Distinct();
            foreach (var cut in cuts)
            {
                var snapshot = run.Trace[cut].After;
                var stored = LogCodec.RoundTrip(snapshot);
                Assert.True(stored.Equivalent(snapshot), $"snapshot after event {cut} changes in storage");
                var restored = SearchState.FromSnapshot(stored);
                Assert.True(restored.SameAs(SearchState.Replay(run.Log.Take(cut + 1))));
                Assert.Equal(s.Config.Space.Create().Length, restored.Space.Length);
                foreach (var e in run.Log.Skip(cut + 1)) restored.Apply(LogCodec.RoundTrip(e));
                Assert.True(restored.SameAs(run.State), $"snapshot after event {cut} + the rest differs from the live state");
            }
        }, iter: 100);

    [Fact]
    public void A_search_resumed_from_a_stored_snapshot_continues_exactly_as_if_it_had_never_stopped()
    {
        var coverage = new Coverage();
        Gen_ResumeCase().Sample((s, resumeAt) =>
        {
            var uninterrupted = SearchRun.Execute(s);
            var resumed = SearchRun.Execute(s, resumeAt, run => SearchState.FromSnapshot(LogCodec.RoundTrip(run.State.ToSnapshot())));
            Assert.Equal(uninterrupted.Log.Select(LogCodec.Wire), resumed.Log.Select(LogCodec.Wire));
            if (resumed.ResumedAtStep is not null) coverage.Hit("resumed");
        }, iter: 100);
        coverage.Require("resumed");
    }

    [Fact]
    public void A_search_resumed_by_replaying_its_stored_log_continues_exactly_as_if_it_had_never_stopped()
    {
        var coverage = new Coverage();
        Gen_ResumeCase().Sample((s, resumeAt) =>
        {
            var uninterrupted = SearchRun.Execute(s);
            var resumed = SearchRun.Execute(s, resumeAt, run => SearchState.Replay(run.Log.Select(LogCodec.RoundTrip)));
            Assert.Equal(uninterrupted.Log.Select(LogCodec.Wire), resumed.Log.Select(LogCodec.Wire));
            if (resumed.ResumedAtStep is not null) coverage.Hit("resumed");
        }, iter: 100);
        coverage.Require("resumed");
    }

    /// <summary>Scenarios without cancelled reservations: a cancelled id is held only in memory, so a resume would reuse it.</summary>
    private static Gen<(Scenario, int)> Gen_ResumeCase() =>
        Gen.Select(Scenarios.Any(cancellations: false), Gen.Int[1, 400]);
}
