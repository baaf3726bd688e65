using ActorNas.Actors.Configuration;
using Akka.Actor;
using Akka.Configuration;

namespace ActorNas.Actors.Runtime;

/// <summary>The one place an ActorSystem of ActorNas's own is created; everything that runs or reads a search starts here.</summary>
public static class ActorNasSystem
{
    /// <summary>
    /// A system with ActorNas's serializer, NLog bridge and persistence plugins, its runtime attached.
    /// </summary>
    /// <param name="actorNas">The layered actornas.* configuration (flags, files, defaults).</param>
    /// <param name="persistence">Where the log is (an in-memory journal for nodes that hold none).</param>
    /// <param name="extraAkka">More Akka configuration on top (a cluster node's remoting and cluster settings).</param>
    public static ActorSystem Create(Config actorNas, PersistenceSettings persistence, Config? extraAkka = null)
    {
        var system = ActorSystem.Create(ActorSystemConfig.SystemName, ActorSystemConfig.Build(actorNas, persistence, extraAkka));
        ActorNasRuntime.Get(system);
        return system;
    }

    /// <summary>A system for a node that keeps no log of its own (a worker, an observer): its journal is in memory.</summary>
    public static ActorSystem CreateWithoutLog(Config actorNas, Config extraAkka) =>
        Create(actorNas, new PersistenceSettings(PersistenceProvider.InMemory, "", "", 1000), extraAkka);
}
