namespace ActorNas.Core.Evolution;

/// <summary>
/// A candidate id held for a child whose mutation is being computed. Reservations are the only state not
/// rebuilt from events: a crash forgets them, which is safe because nothing about them was persisted or handed out.
/// <paramref name="Proxy"/> ranks the parent's mutants when screening is on, fitted to the population at the tournament.
/// <paramref name="ParentNode"/> is where the parent was evaluated (its layers are in that node's weight cache).
/// </summary>
public sealed record Reservation(long Id, long ParentId, Genotype Parent, IReadOnlyList<long> Tournament, string Worker, string Node,
    ProxyModel? Proxy = null, string? ParentNode = null);
