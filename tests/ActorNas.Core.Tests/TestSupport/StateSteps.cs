using ActorNas.Core.Evaluation;
using ActorNas.Core.Events;
using ActorNas.Core.Evolution;
using Xunit;

namespace ActorNas.Core.Tests.TestSupport;

/// <summary>The small steps hand-written state tests take: start a search, apply decided events, take work as a worker would.</summary>
internal static class StateSteps
{
    /// <summary>A fresh state with <paramref name="config"/>'s search started at <paramref name="at"/>.</summary>
    public static SearchState Started(SearchSettings config, DateTimeOffset at)
    {
        var state = new SearchState();
        Apply(state, state.Start(config, at));
        return state;
    }

    public static void Apply(SearchState state, IEnumerable<ISearchEvent> events)
    {
        foreach (var e in events) state.Apply(e);
    }

    /// <summary>Asks for work as <paramref name="worker"/> and applies it, drawing a tournament's child at once.</summary>
    public static Candidate Take(SearchState state, string worker, string node, DateTimeOffset now)
    {
        var a = Assert.IsType<AssignCandidate>(state.Decide(new AssignWork(worker, node, now, DrawChildHere: true)));
        Apply(state, a.Events);
        return a.Candidate;
    }
}
