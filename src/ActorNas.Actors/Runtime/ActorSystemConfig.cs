using ActorNas.Actors.Configuration;
using ActorNas.Actors.Logging;
using ActorNas.Actors.Persistence;
using ActorNas.Actors.Serialization;
using Akka.Configuration;

namespace ActorNas.Actors.Runtime;

/// <summary>The Akka side of an ActorNas process: serializer bindings, NLog bridge, persistence plugins.</summary>
public static class ActorSystemConfig
{
    public const string SystemName = "actornas";

    /// <summary>Every ActorNas message, event and snapshot goes through <see cref="ActorNasSerializer"/>.</summary>
    public static readonly Config Serialization = ConfigurationFactory.ParseString($$"""
        akka.actor {
          serializers.actornas = "{{typeof(ActorNasSerializer).AssemblyQualifiedName!.Split(", Version")[0]}}"
          serialization-bindings {
            "ActorNas.Core.Events.ISearchEvent, ActorNas.Core" = actornas
            "ActorNas.Core.Evolution.SearchSnapshot, ActorNas.Core" = actornas
            "ActorNas.Actors.Protocol.IActorNasMessage, ActorNas.Actors" = actornas
          }
          serialization-identifiers {
            "{{typeof(ActorNasSerializer).AssemblyQualifiedName!.Split(", Version")[0]}}" = {{ActorNasSerializer.Id}}
          }
        }
        """);

    /// <summary>Akka's own log goes to NLog; NLog's configuration decides what reaches the console and the file.</summary>
    public static readonly Config Logging = ConfigurationFactory.ParseString($$"""
        akka {
          loggers = ["{{NLogLogger.TypeName}}"]
          logger-startup-timeout = 10s
          loglevel = INFO
          stdout-loglevel = WARNING
          stdout-logger-class = "{{NLogStartupLogger.TypeName}}"
          log-dead-letters = 0
          log-dead-letters-during-shutdown = off
          actor.debug.unhandled = off
        }
        """);

    /// <summary>The whole configuration of a process: ActorNas settings (already layered) + Akka wiring.</summary>
    /// <param name="logToNLog">Akka's log goes to NLog (ActorNas's own processes); a host keeps its own loggers.</param>
    public static Config Build(Config actorNas, PersistenceSettings persistence, Config? extraAkka = null, bool logToNLog = true) =>
        ActorNasConfig.Combine(extraAkka, Serialization, logToNLog ? Logging : null, PersistenceConfig.For(persistence), actorNas);
}
