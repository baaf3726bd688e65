using ActorNas.Core.Evaluation;
using ActorNas.Core.Events;
using ActorNas.Core.Evolution;

namespace ActorNas.Core.Tests.TestSupport;

/// <summary>
/// The calls the hand-written state tests make, under their old names, each one command for
/// <see cref="SearchState.Decide"/>: the tests read as before, and drive the one decision entry.
/// </summary>
internal static class StateCalls
{
    public static IReadOnlyList<ISearchEvent> Start(this SearchState state, SearchSettings config, DateTimeOffset at) =>
        state.Decide(new StartSearch(config, at)).Events;

    public static Decision Assign(this SearchState state, string worker, string node, DateTimeOffset at) =>
        state.Decide(new AssignWork(worker, node, at));

    /// <summary>The child a Mutator would draw for <paramref name="reservation"/> (the state's own draw, given back to it).</summary>
    public static (Genotype Child, Mutation Mutation) MutateFor(this SearchState state, Reservation reservation)
    {
        var child = ChildProposer.ChildOf(state.Config, state.Space, reservation.Id, reservation.Parent, reservation.Proxy);
        return (child.Child, child.Mutation!);
    }

    /// <summary>The proposal, or null when the state rejected it.</summary>
    public static AssignCandidate? CompleteProposal(this SearchState state, Reservation reservation, Genotype child, Mutation mutation,
        DateTimeOffset at) =>
        state.Decide(new ProposeChild(reservation.Id, at, new ChildProposal(child, mutation, null))) as AssignCandidate;

    public static void CancelReservation(this SearchState state, long id) => state.Decide(new CancelReservation(id));

    public static IReadOnlyList<ISearchEvent> Complete(this SearchState state, long id, EvaluationResult result, DateTimeOffset startedAt,
        DateTimeOffset finishedAt, string worker, string node) =>
        state.Decide(new RecordResult(id, result, startedAt, finishedAt, worker, node)).Events;

    public static IReadOnlyList<ISearchEvent> Fail(this SearchState state, long id, string reason, string worker, DateTimeOffset at,
        bool permanent = false) =>
        state.Decide(new RecordFailure(id, reason, worker, at, permanent)).Events;

    public static IReadOnlyList<ISearchEvent> Release(this SearchState state, string worker, string reason, DateTimeOffset at) =>
        state.Decide(new ReleaseWorker(worker, reason, at)).Events;

    public static IReadOnlyList<ISearchEvent> ReleaseNode(this SearchState state, string node, string reason, DateTimeOffset at) =>
        state.Decide(new ReleaseNodeWork(node, reason, at)).Events;

    public static IReadOnlyList<ISearchEvent> ReleaseAll(this SearchState state, string reason, DateTimeOffset at) =>
        state.Decide(new ReleaseAllWork(reason, at)).Events;

    public static IReadOnlyList<ISearchEvent> Pause(this SearchState state, string reason, DateTimeOffset at) =>
        state.Decide(new PauseWork(reason, at)).Events;

    public static IReadOnlyList<ISearchEvent> Resume(this SearchState state, DateTimeOffset at) => state.Decide(new ResumeWork(at)).Events;

    public static IReadOnlyList<ISearchEvent> Stop(this SearchState state, string reason, DateTimeOffset at) =>
        state.Decide(new EndSearch(reason, at)).Events;
}
