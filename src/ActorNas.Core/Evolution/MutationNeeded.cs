namespace ActorNas.Core.Evolution;

/// <summary>
/// A tournament chose a parent and reserved its child's id; ask for the child (a Mutator, possibly elsewhere, draws it
/// with <see cref="ChildProposer.ChildOf"/>) and finish with <see cref="ProposeChild"/> or <see cref="CancelReservation"/>.
/// Nothing to persist yet: the reservation lives only in memory.
/// </summary>
public sealed record MutationNeeded(Reservation Reservation) : Decision([]);
