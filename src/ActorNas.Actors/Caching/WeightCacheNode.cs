using ActorNas.Actors.Configuration;
using ActorNas.Actors.Runtime;
using Akka.Actor;

namespace ActorNas.Actors.Caching;

/// <summary>Where a node's <see cref="WeightCacheActor"/> is: one per ActorSystem (a system actor of the runtime), found on other nodes by address.</summary>
public static class WeightCacheNode
{
    /// <summary>
    /// The disk tier's directory of one node: a subdirectory of <c>disk.path</c> named after the node id, so processes
    /// that share a path (several workers on one machine) never touch each other's files.
    /// </summary>
    public static string DiskDirectoryOf(WeightCacheSettings settings, string node) =>
        Path.Combine(settings.DiskPath, string.Concat(node.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '_')));

    /// <summary>The node's cache: the running one, or a new one when none runs yet (<see cref="ActorNasRuntime.WeightCache"/>).</summary>
    /// <exception cref="SettingsException">The disk tier's directory cannot be created.</exception>
    public static IActorRef EnsureStarted(ActorSystem system, WeightCacheSettings settings, string node) =>
        ActorNasRuntime.Get(system).WeightCache(settings, node);

    /// <summary>Creates the disk tier's directory, if there is a disk tier; the message names the setting and the fix.</summary>
    internal static void PrepareDisk(WeightCacheSettings settings, string node)
    {
        if (string.IsNullOrWhiteSpace(settings.DiskPath) || settings.DiskBytes <= 0) return;
        try
        {
            Directory.CreateDirectory(DiskDirectoryOf(settings, node));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new SettingsException($"actornas.weight-cache.disk.path = \"{settings.DiskPath}\" cannot be used ({e.Message}); " +
                "name a writable directory, or set it to \"\" for no disk tier");
        }
    }

    /// <summary>
    /// Where another node's cache lives: node ids are the host:port of the node's remoting address, and the protocol is
    /// this system's own (akka.tcp, or akka.ssl.tcp with TLS). Null without remoting, or for a node id that is no address.
    /// </summary>
    public static ActorPath? PathOf(ActorSystem system, string node)
    {
        var own = ((ExtendedActorSystem)system).Provider.DefaultAddress;
        if (own.Host is null) return null;
        var colon = node.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(node.AsSpan(colon + 1), out var port) || port <= 0) return null;
        return new RootActorPath(new Address(own.Protocol, system.Name, node[..colon], port)) / "system" / WeightCacheActor.Name;
    }
}
