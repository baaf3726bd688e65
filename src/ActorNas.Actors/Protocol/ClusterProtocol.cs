namespace ActorNas.Actors.Protocol;

// What cluster nodes ask the Population singleton (through its proxy) besides the work protocol.

/// <summary>A worker node that just joined asks which search runs, to build its evaluators.</summary>
public sealed record GetSearchSetup : IActorNasMessage
{
    public static readonly GetSearchSetup Instance = new();
}

/// <summary>The search a cluster runs: its id and the settings recorded with it (HOCON).</summary>
public sealed record SearchSetup(string SearchId, string Settings) : IActorNasMessage;

/// <summary>Asks the Population for the search's status and every evaluator slot it knows.</summary>
public sealed record GetClusterView : IActorNasMessage
{
    public static readonly GetClusterView Instance = new();
}

/// <summary>One evaluator slot as the Population sees it: its node and the candidate it holds, if any.</summary>
public sealed record SlotView(string Worker, string Node, long? CandidateId);

public sealed record ClusterView(SearchStatus Status, IReadOnlyList<SlotView> Slots) : IActorNasMessage;

// Local messages from the singleton's cluster watcher to the Population (they never cross the network).

/// <summary>A node was downed or left: every candidate it held goes back to the queue.</summary>
public sealed record ReleaseNode(string Node, string Reason);

/// <summary>A node stopped answering: its idle slots get nothing until it answers again.</summary>
public sealed record NodeUnreachable(string Node);

/// <summary>Hands out again every candidate held longer than <paramref name="Timeout"/>.</summary>
public sealed record ReleaseExpiredLeases(TimeSpan Timeout);
