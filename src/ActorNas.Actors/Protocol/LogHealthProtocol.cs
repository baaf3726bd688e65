using ActorNas.Actors.Persistence;

namespace ActorNas.Actors.Protocol;

// Between the Population and its SearchGuardian: whether the search's log can be written and read. The guardian
// decides whether to wait (a transient outage, within actornas.persistence.outage-grace) or to end the search.

/// <summary>
/// The Population could not write (or recover from) its log; Akka stops it after this. The journal holds exactly
/// the events up to <paramref name="LastRecordedCandidate"/>'s, and <paramref name="Evaluated"/> results.
/// </summary>
public sealed record LogUnavailable(StoreFault Fault, long LastRecordedCandidate, int Evaluated) : IActorNasMessage;

/// <summary>The Population recovered from its log: an outage, if there was one, is over.</summary>
public sealed record LogAvailable : IActorNasMessage
{
    public static readonly LogAvailable Instance = new();
}
