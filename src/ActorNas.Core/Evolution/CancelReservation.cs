namespace ActorNas.Core.Evolution;

/// <summary>Forgets a reservation whose child will not be proposed; its candidate id is not reused.</summary>
public sealed record CancelReservation(long ReservationId) : ISearchCommand;
