using ActorNas.Core.Events;

namespace ActorNas.Core.Evolution;

/// <summary>The command holds: persist <paramref name="Events"/> (possibly none); there is nothing to hand out.</summary>
public sealed record Accepted(IReadOnlyList<ISearchEvent> Events) : Decision(Events);
