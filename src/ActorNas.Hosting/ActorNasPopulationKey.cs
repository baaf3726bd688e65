namespace ActorNas.Hosting;

/// <summary>The ActorRegistry key of the proxy to a cluster search's Population singleton (on population and worker nodes).</summary>
public sealed class ActorNasPopulationKey;
