using ActorNas.Core.Evaluation;
using ActorNas.Core.Events;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;
using ActorNas.Core.Tests.TestSupport;
using Xunit;

namespace ActorNas.Core.Tests;

/// <summary>Pause, resume and stop: the owner's decisions, recorded in the log like every other.</summary>
public sealed class SearchControlTests
{
    private static readonly DateTimeOffset T0 = new(2024, 5, 1, 8, 0, 0, TimeSpan.Zero);

    private static SearchState Started(int budget = 20) => StateSteps.Started(new SearchSettings
    {
        Space = new SearchSpaceSpec(Nb201Space.SpaceName), PopulationSize = 5, SampleSize = 2, Budget = budget, Seed = 3,
    }, T0);

    private static void Apply(SearchState state, IEnumerable<ISearchEvent> events) => StateSteps.Apply(state, events);

    private static Candidate Take(SearchState state, string worker) => StateSteps.Take(state, worker, "node", T0);

    [Fact]
    public void A_paused_search_hands_out_nothing_but_records_results_of_running_work_and_resumes_where_it_was()
    {
        var state = Started();
        var running = Take(state, "w0");

        var paused = Assert.IsType<SearchPaused>(Assert.Single(state.Pause("maintenance", T0)));
        Assert.Equal("maintenance", paused.Reason);
        Apply(state, [paused]);
        Assert.True(state.IsPaused);
        Assert.Empty(state.Pause("again", T0));
        Assert.Equal("the search is paused", Assert.IsType<NoWorkNow>(state.Assign("w1", "node", T0)).Reason);

        // a re-queued candidate is not handed out either
        Apply(state, state.Release("w0", "its worker stopped", T0));
        Assert.IsType<NoWorkNow>(state.Assign("w1", "node", T0));
        Apply(state, [Assert.IsType<SearchResumed>(Assert.Single(state.Resume(T0)))]);
        Assert.False(state.IsPaused);
        Assert.Empty(state.Resume(T0));
        var again = Assert.Single(Assert.IsType<AssignCandidate>(state.Assign("w1", "node", T0)).Events.OfType<CandidateStarted>());
        Assert.Equal(running.Id, again.Id);
    }

    [Fact]
    public void Results_that_arrive_during_a_pause_are_recorded()
    {
        var state = Started();
        var c = Take(state, "w0");
        Apply(state, state.Pause("p", T0));
        var events = state.Complete(c.Id, new EvaluationResult(1.5), T0, T0.AddSeconds(1), "w0", "node");
        Assert.Contains(events, e => e is CandidateEvaluated v && v.Id == c.Id);
        Apply(state, events);
        Assert.Equal(1, state.Evaluated);
    }

    [Fact]
    public void Stop_completes_the_search_with_a_stopped_reason_and_ignores_late_results()
    {
        var state = Started();
        var c = Take(state, "w0");
        var completed = Assert.IsType<SearchCompleted>(Assert.Single(state.Stop("enough", T0)));
        Assert.Equal("stopped: enough", completed.Reason);
        Apply(state, [completed]);
        Assert.True(state.IsCompleted);
        Assert.Empty(state.Stop("twice", T0));
        Assert.Empty(state.Pause("late", T0));
        Assert.Empty(state.Complete(c.Id, new EvaluationResult(1), T0, T0, "w0", "node"));
        Assert.IsType<SearchFinished>(state.Assign("w0", "node", T0));
    }

    [Fact]
    public void A_pause_survives_snapshot_and_replay()
    {
        var state = new SearchState();
        var log = new List<ISearchEvent>();
        void Record(IEnumerable<ISearchEvent> events)
        {
            foreach (var e in events) { state.Apply(e); log.Add(e); }
        }
        Record(state.Start(new SearchSettings { Space = new SearchSpaceSpec(Nb201Space.SpaceName), PopulationSize = 5, SampleSize = 2, Budget = 9 }, T0));
        var a = Assert.IsType<AssignCandidate>(state.Assign("w0", "node", T0));
        Record(a.Events);
        Record(state.Pause("night", T0));

        var replayed = SearchState.Replay(log);
        Assert.True(replayed.IsPaused);
        Assert.True(replayed.SameAs(state));
        var restored = SearchState.FromSnapshot(state.ToSnapshot());
        Assert.True(restored.IsPaused);

        // the events and the snapshot round-trip through the log schema
        foreach (var e in log)
            Assert.Equal(e.GetType(), EventSerializer.FromBytes(EventSerializer.ToBytes(e), EventSerializer.ManifestOf(e)).GetType());
        var snapshot = (SearchSnapshot)EventSerializer.FromBytes(EventSerializer.ToBytes(state.ToSnapshot()), "search-snapshot.v1");
        Assert.True(snapshot.Paused);
    }

    [Fact]
    public void A_snapshot_written_before_pausing_existed_reads_as_not_paused()
    {
        var state = Started();
        var json = System.Text.Encoding.UTF8.GetString(EventSerializer.ToBytes(state.ToSnapshot()));
        Assert.Contains("\"paused\":false", json, StringComparison.Ordinal);
        var old = json.Replace(",\"paused\":false", "", StringComparison.Ordinal);
        var snapshot = (SearchSnapshot)EventSerializer.FromBytes(System.Text.Encoding.UTF8.GetBytes(old), "search-snapshot.v1");
        Assert.False(snapshot.Paused);
    }
}
