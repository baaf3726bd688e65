namespace ActorNas.Core.Evolution;

/// <summary>
/// Turns the reservation <paramref name="ReservationId"/> (from <see cref="MutationNeeded"/>) into a proposed child that
/// starts on the reservation's worker: <see cref="AssignCandidate"/>, or <see cref="Rejected"/> when the reservation is
/// gone (used, cancelled, or the search completed meanwhile).
/// </summary>
/// <param name="Child">The child a Mutator drew with <see cref="ChildProposer.ChildOf"/>; null to draw it here, without a
/// network scorer (a proxy that needs one falls back to plain mutation rather than fail the proposal).</param>
public sealed record ProposeChild(long ReservationId, DateTimeOffset At, ChildProposal? Child = null) : ISearchCommand;
