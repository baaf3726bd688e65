using ActorNas.Core.Events;

namespace ActorNas.Actors.Query;

/// <summary>A persisted event with its position in the search's log (1, 2, ...).</summary>
public sealed record LoggedEvent(long SequenceNr, ISearchEvent Event);
