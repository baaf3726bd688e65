using ActorNas.Actors.Runtime;
using ActorNas.Actors.Cluster;
using ActorNas.Actors.Configuration;
using ActorNas.Actors.Serialization;
using Akka.Actor;
using Akka.Configuration;
using Xunit;

namespace ActorNas.Actors.Tests;

/// <summary>actornas.cluster.* and the Akka configuration of a cluster node made from it.</summary>
public sealed class ClusterSettingsTests
{
    private static ClusterSettings Read(string hocon) => ClusterSettings.From(ActorNasConfig.Combine(ConfigurationFactory.ParseString(hocon)));

    [Fact]
    public void The_defaults_bind_to_loopback_with_keep_majority_and_no_seeds()
    {
        var settings = Read("");
        Assert.Equal(("127.0.0.1", 4053, 0), (settings.Hostname, settings.Port, settings.SeedNodes.Count));
        Assert.Equal(TimeSpan.FromHours(1), settings.LeaseTimeout);
        var akka = settings.AkkaConfig(ClusterSettings.PopulationRole);
        Assert.Equal("cluster", akka.GetString("akka.actor.provider"));
        Assert.Equal("127.0.0.1", akka.GetString("akka.remote.dot-netty.tcp.hostname"));
        Assert.False(akka.GetBoolean("akka.remote.dot-netty.tcp.enable-ssl"));
        Assert.Equal(["population"], akka.GetStringList("akka.cluster.roles"));
        Assert.Equal("keep-majority", akka.GetString("akka.cluster.split-brain-resolver.active-strategy"));
        Assert.Equal("population", akka.GetString("akka.cluster.split-brain-resolver.keep-majority.role"));
        Assert.Equal(TimeSpan.FromSeconds(5), akka.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
        Assert.False(akka.GetBoolean("akka.remote.untrusted-mode"));   // it breaks clustering
    }

    [Fact]
    public void Seeds_become_akka_addresses_of_the_one_system_name_and_TLS_switches_the_protocol()
    {
        var pfx = Path.GetTempFileName();
        try
        {
            var settings = Read($$"""
                actornas.cluster { seed-nodes = ["10.0.0.1:4053", "10.0.0.2:4053"], port = 0, lease-timeout = 0s }
                actornas.cluster.tls { enabled = on, certificate-path = "{{pfx}}", certificate-password = secret, suppress-validation = on }
                """);
            Assert.Null(settings.LeaseTimeout);
            var akka = settings.AkkaConfig(ClusterSettings.EvaluatorRole);
            Assert.Equal(["akka.ssl.tcp://actornas@10.0.0.1:4053", "akka.ssl.tcp://actornas@10.0.0.2:4053"], akka.GetStringList("akka.cluster.seed-nodes"));
            Assert.True(akka.GetBoolean("akka.remote.dot-netty.tcp.enable-ssl"));
            Assert.Equal(pfx, akka.GetString("akka.remote.dot-netty.tcp.ssl.certificate.path"));
            Assert.Equal("secret", akka.GetString("akka.remote.dot-netty.tcp.ssl.certificate.password"));
            Assert.True(akka.GetBoolean("akka.remote.dot-netty.tcp.ssl.suppress-validation"));
            Assert.Equal(["evaluator"], akka.GetStringList("akka.cluster.roles"));
        }
        finally
        {
            File.Delete(pfx);
        }
    }

    [Fact]
    public void A_users_akka_keys_override_cluster_conf_but_not_the_address_role_or_wire_safety()
    {
        var user = ActorNasConfig.Combine(ConfigurationFactory.ParseString("""
            akka.cluster.split-brain-resolver.stable-after = 20s
            akka.cluster.roles = [intruder]
            akka.remote.dot-netty.tcp.hostname = "0.0.0.0"
            akka.actor.serializers.json = "Akka.Serialization.NewtonSoftJsonSerializer, Akka"
            """));
        var akka = Read("").AkkaConfig(ClusterSettings.PopulationRole, user);
        Assert.Equal(TimeSpan.FromSeconds(20), akka.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
        Assert.Equal(["population"], akka.GetStringList("akka.cluster.roles"));
        Assert.Equal("127.0.0.1", akka.GetString("akka.remote.dot-netty.tcp.hostname"));
        Assert.Contains(nameof(RejectingSerializer), akka.GetString("akka.actor.serializers.json"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("actornas.cluster.seed-nodes = [\"nohost\"]", "is not HOST:PORT")]
    [InlineData("actornas.cluster.seed-nodes = [\"h:99999\"]", "is not HOST:PORT")]
    [InlineData("actornas.cluster.port = 70000", "out of range")]
    [InlineData("actornas.cluster.tls.enabled = on", "needs actornas.cluster.tls.certificate-path")]
    [InlineData("actornas.cluster.tls { enabled = on, certificate-path = \"/nonexistent/node.pfx\" }", "does not exist")]
    public void Bad_cluster_settings_are_refused_with_the_key_named(string hocon, string expected)
    {
        var e = Assert.Throws<SettingsException>(() => Read(hocon));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_a_cluster_node_the_json_serializer_refuses_everything_and_ActorNas_messages_keep_theirs()
    {
        var config = ConfigurationFactory.ParseString("akka.remote.dot-netty.tcp.port = 0")
            .WithFallback(ActorSystemConfig.Build(ActorNasConfig.Reference,
                new PersistenceSettings(PersistenceProvider.InMemory, "", "", 100), Read("").AkkaConfig(ClusterSettings.EvaluatorRole)));
        var system = ActorSystem.Create(ActorSystemConfig.SystemName, config);
        try
        {
            var unknown = new Uri("http://example.org");
            var serializer = system.Serialization.FindSerializerFor(unknown);
            Assert.IsType<RejectingSerializer>(serializer);
            Assert.Equal(RejectingSerializer.JsonId, serializer.Identifier);   // a message claiming json's identifier reaches it
            Assert.Contains("refused", Assert.ThrowsAny<Exception>(() => serializer.ToBinary(unknown)).Message, StringComparison.Ordinal);
            var payload = """{"$type":"System.IO.FileInfo, System.Private.CoreLib","OriginalPath":"/etc/passwd"}"""u8.ToArray();
            Assert.Contains("refused", Assert.ThrowsAny<Exception>(() => serializer.FromBinary(payload, typeof(object))).Message, StringComparison.Ordinal);
            Assert.IsType<ActorNasSerializer>(system.Serialization.FindSerializerFor(Protocol.GetSearchSetup.Instance));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(20));
        }
    }
}
