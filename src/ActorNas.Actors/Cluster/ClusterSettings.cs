using ActorNas.Actors.Runtime;
using ActorNas.Actors.Configuration;
using ActorNas.Actors.Serialization;
using Akka.Actor;
using Akka.Configuration;

namespace ActorNas.Actors.Cluster;

/// <summary>TLS for remoting: a PKCS#12 certificate (and key) per node.</summary>
public sealed record TlsSettings(bool Enabled, string CertificatePath, string CertificatePassword, bool SuppressValidation);

/// <summary>The typed view of <c>actornas.cluster</c>: where this node listens, whom it joins, and the cluster's timings.</summary>
public sealed record ClusterSettings(
    string Hostname,
    int Port,
    IReadOnlyList<string> SeedNodes,
    int Slots,
    TimeSpan? LeaseTimeout,
    TimeSpan JoinTimeout,
    TimeSpan DrainTimeout,
    TlsSettings Tls)
{
    public const string PopulationRole = "population";
    public const string EvaluatorRole = "evaluator";
    /// <summary>Where every population node runs its ClusterSingletonManager (the singleton is its child <see cref="SingletonName"/>).</summary>
    public const string SingletonManagerName = "population-singleton";
    /// <summary>The Population singleton's name (akka.cluster.singleton.singleton-name in hocon/cluster.conf says the same).</summary>
    public const string SingletonName = "population";

    /// <summary>Cluster searches share their log: only PostgreSQL will do.</summary>
    /// <param name="fix">How this entry point sets the log's place (a --config file, a host option).</param>
    public static void RequireSharedLog(PersistenceProvider provider, string fix)
    {
        if (provider != PersistenceProvider.PostgreSql)
            throw new SettingsException($"a cluster search needs its log in PostgreSQL, not {provider.ToString().ToLowerInvariant()}: every population " +
                $"node must read the same log to take over the Population (SQLite is one machine's file). {fix}");
    }

    public string Protocol => Tls.Enabled ? "akka.ssl.tcp" : "akka.tcp";

    public static ClusterSettings From(Config config)
    {
        var reader = new SettingsReader(config.GetConfig("actornas") ?? throw new SettingsException("the configuration has no actornas section"));
        var seeds = reader.StringList("cluster.seed-nodes");
        foreach (var seed in seeds) NodeAddress.Parse(seed, "actornas.cluster.seed-nodes");
        var port = reader.Int("cluster.port", min: 0);
        if (port > 65535) throw new SettingsException($"actornas.cluster.port = {port} is out of range; it must be between 0 and 65535");
        var tls = new TlsSettings(
            reader.Bool("cluster.tls.enabled"),
            reader.String("cluster.tls.certificate-path", allowEmpty: true),
            reader.String("cluster.tls.certificate-password", allowEmpty: true),
            reader.Bool("cluster.tls.suppress-validation"));
        if (tls.Enabled && !File.Exists(tls.CertificatePath))
            throw new SettingsException(tls.CertificatePath.Length == 0
                ? "actornas.cluster.tls.enabled = on needs actornas.cluster.tls.certificate-path (a PKCS#12 file; docs/cluster.md shows how to make one)"
                : $"actornas.cluster.tls.certificate-path \"{tls.CertificatePath}\" does not exist");
        return new ClusterSettings(
            reader.String("cluster.hostname"),
            port,
            seeds,
            reader.Int("cluster.slots", min: 0),
            reader.OptionalDuration("cluster.lease-timeout"),
            reader.Duration("cluster.join-timeout"),
            reader.Duration("cluster.drain-timeout"),
            tls);
    }

    /// <summary>The embedded Akka cluster defaults (hocon/cluster.conf).</summary>
    public static Config Defaults => DefaultsValue.Value;

    private static readonly Lazy<Config> DefaultsValue = new(() =>
    {
        using var stream = typeof(ClusterSettings).Assembly.GetManifestResourceStream("ActorNas.Actors.cluster.conf")
            ?? throw new InvalidOperationException("ActorNas.Actors is missing its embedded cluster.conf");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    });

    /// <summary>
    /// The Akka configuration of a cluster node with <paramref name="role"/>: remoting address, seeds, TLS, and the
    /// wire-safety rule that nothing but ActorNas's and Akka's own serializers may read a message from the network.
    /// </summary>
    /// <param name="user">The user's configuration (--config): its akka.* keys override hocon/cluster.conf, never the
    /// address, seeds, role, TLS or the refusing serializer set here.</param>
    public Config AkkaConfig(string role, Config? user = null)
    {
        var seeds = string.Join(", ", SeedNodes.Select(s => Hocon.Quote($"{Protocol}://{ActorSystemConfig.SystemName}@{s}")));
        var tls = Tls.Enabled
            ? $$"""
              enable-ssl = true
              ssl {
                certificate { path = {{Hocon.Quote(Path.GetFullPath(Tls.CertificatePath))}}, password = {{Hocon.Quote(Tls.CertificatePassword)}} }
                suppress-validation = {{(Tls.SuppressValidation ? "true" : "false")}}
                require-mutual-authentication = true
              }
              """
            : "enable-ssl = false";
        var computed = ConfigurationFactory.ParseString($$"""
            akka {
              remote.dot-netty.tcp {
                hostname = {{Hocon.Quote(Hostname)}}
                port = {{Port}}
                {{tls}}
              }
              cluster {
                seed-nodes = [{{seeds}}]
                roles = [{{Hocon.Quote(role)}}]
              }
            }
            """).WithFallback(RejectingSerializer.Config);
        return (user is null || user.IsEmpty ? computed : computed.WithFallback(user)).WithFallback(Defaults);
    }
}

/// <summary>Node ids: the host:port of a node's remoting address (<c>127.0.0.1:4053</c>).</summary>
public static class NodeAddress
{
    public static string IdOf(Address address) => $"{address.Host}:{address.Port}";

    /// <summary>Checks a "host:port" value; the message names the setting and the fix.</summary>
    public static (string Host, int Port) Parse(string value, string setting)
    {
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(value.AsSpan(colon + 1), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw new SettingsException($"{setting}: \"{value}\" is not HOST:PORT (e.g. 127.0.0.1:4053)");
        return (value[..colon], port);
    }
}
