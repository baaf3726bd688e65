namespace ActorNas.Hosting;

/// <summary>The ActorRegistry key of a worker node's evaluator slots, registered once the Population has answered.</summary>
public sealed class ActorNasWorkerKey;
