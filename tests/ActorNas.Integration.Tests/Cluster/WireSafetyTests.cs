using ActorNas.Actors.Runtime;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorNas.Actors;
using ActorNas.Actors.Protocol;
using ActorNas.Core.Events;
using Akka.Actor;
using Akka.Configuration;

namespace ActorNas.Integration.Tests.Cluster;

/// <summary>
/// What a cluster node accepts from the network: members only, ActorNas's and Akka's own message types only, and with
/// TLS on, TLS peers only.
/// </summary>
public sealed class WireSafetyTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(150);

    private static string[] Seed(string searchId, string config, int port, string log) =>
    [
        "seed", "--search-id", searchId, "--evaluator", "synthetic", "--budget", "150", "--population", "10", "--sample", "3", "--config", config,
        "--port", port.ToString(CultureInfo.InvariantCulture), "--log-file", log, "--json",
    ];

    private static string[] Worker(int seedPort, string config, string log) =>
        ["worker", "--join", $"127.0.0.1:{seedPort}", "--port", "0", "--slots", "3", "--config", config, "--log-file", log];

    /// <summary>Collects whatever reaches it, to show that nothing came back.</summary>
    private sealed class Collector : ReceiveActor
    {
        public Collector(List<object> received) => ReceiveAny(m => { lock (received) received.Add(m); });
    }

    private sealed record NotAnActorNasMessage(string Payload);

    [SkippableFact]
    public async Task A_process_that_is_not_a_member_and_a_message_of_unknown_type_are_refused_and_logged()
    {
        Skip.If(ClusterTestKit.ServerConnectionString is null, ClusterTestKit.SkipReason);
        await using var kit = await ClusterTestKit.CreateAsync();
        var config = kit.WriteConfig("node.hocon", meanMs: 10);
        var seedPort = ClusterTestKit.FreePort();
        using var seed = ActorNasProcess.Start(kit.Dir.Path, Seed("intruded", config, seedPort, kit.LogFile("seed")));
        await kit.WaitForLogAsync("intruded", e => e.OfType<SearchStarted>().Any(), TimeSpan.FromSeconds(60), "the search's start");

        // an ActorSystem of the same name that speaks ActorNas's protocol but never joined the cluster
        var intruderConfig = ConfigurationFactory.ParseString("""
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
            akka.loglevel = WARNING
            """).WithFallback(ActorSystemConfig.Serialization);
        using var intruder = ActorSystem.Create(ActorSystemConfig.SystemName, intruderConfig);
        var intruderAddress = ((ExtendedActorSystem)intruder).Provider.DefaultAddress;
        var received = new List<object>();
        var collector = intruder.ActorOf(Props.Create(() => new Collector(received)), "collector");
        var population = intruder.ActorSelection($"akka.tcp://actornas@127.0.0.1:{seedPort}/user/population-singleton/population");
        population.Tell(new RequestWork($"127.0.0.1:{intruderAddress.Port}/slot-0", $"127.0.0.1:{intruderAddress.Port}"), collector);
        population.Tell(GetSearchSetup.Instance, collector);
        population.Tell(new NotAnActorNasMessage("instantiate me"), collector);   // goes out with Newtonsoft's type names

        var seedLog = kit.LogFile("seed");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        string text;
        do
        {
            await Task.Delay(500);
            text = await ReadSharedAsync(seedLog);
        }
        while (DateTime.UtcNow < deadline && !(text.Contains("not a member of the cluster", StringComparison.Ordinal)
                                               && text.Contains("refused a message of an unknown type", StringComparison.Ordinal)));
        foreach (var line in text.Split('\n').Where(l => l.Contains("refused", StringComparison.Ordinal))) output.WriteLine(line);
        Assert.Contains($"refused a message from akka.tcp://actornas@127.0.0.1:{intruderAddress.Port}: not a member of the cluster", text, StringComparison.Ordinal);
        Assert.Contains("refused a message of an unknown type", text, StringComparison.Ordinal);
        lock (received) Assert.Empty(received);   // no work, no setup

        // the node is unharmed: a real worker joins and the search completes, with nothing ever started on the intruder
        var worker = await ActorNasProcess.RunAsync(kit.Dir.Path, Generous, Worker(seedPort, config, kit.LogFile("worker")));
        Assert.True(worker.ExitCode == 0, worker.ToString());
        var seedResult = await seed.ResultAsync(Generous);
        Assert.True(seedResult.ExitCode == 0, seedResult.ToString());
        var events = await kit.ReadLogAsync("intruded");
        LogChecks.CompletedExactlyOnce(events, 150);
        Assert.DoesNotContain(events.OfType<CandidateStarted>(), s => s.Node == $"127.0.0.1:{intruderAddress.Port}");
        lock (received) Assert.Empty(received);
    }

    [SkippableFact]
    public async Task With_TLS_on_the_cluster_forms_and_a_plain_TCP_node_cannot_join()
    {
        Skip.If(ClusterTestKit.ServerConnectionString is null, ClusterTestKit.SkipReason);
        await using var kit = await ClusterTestKit.CreateAsync();
        var certificate = kit.Dir.File("node.pfx");
        WriteSelfSignedCertificate(certificate, "test-password");
        var tls = $$"""
            actornas.cluster.join-timeout = 15s
            actornas.cluster.tls { enabled = on, certificate-path = "{{certificate}}", certificate-password = "test-password", suppress-validation = on }
            """;
        // evaluations of ~0.5 s keep the search running (150 over 3 slots: ~25 s) while the plain node tries to join
        var tlsConfig = kit.WriteConfig("tls.hocon", meanMs: 500, tls);
        var plainConfig = kit.WriteConfig("plain.hocon", meanMs: 10, "actornas.cluster.join-timeout = 15s");
        var seedPort = ClusterTestKit.FreePort();

        using var seed = ActorNasProcess.Start(kit.Dir.Path, Seed("tls", tlsConfig, seedPort, kit.LogFile("seed")));
        using var secure = ActorNasProcess.Start(kit.Dir.Path, Worker(seedPort, tlsConfig, kit.LogFile("secure")));
        try
        {
            // the TLS cluster forms and works ...
            await kit.WaitForLogAsync("tls", e => e.OfType<CandidateEvaluated>().Any(), TimeSpan.FromSeconds(90), "an evaluation on the TLS worker");

            // ... and a plain-TCP node cannot join it
            var plainResult = await ActorNasProcess.RunAsync(kit.Dir.Path, Generous, Worker(seedPort, plainConfig, kit.LogFile("plain")));
            output.WriteLine(plainResult.ToString());
            Assert.Equal(1, plainResult.ExitCode);
            Assert.Contains("could not join the cluster", plainResult.Stderr, StringComparison.Ordinal);
            // refused by the TLS node itself, not by a port nobody listens on any more
            Assert.True((await kit.ReadLogAsync("tls")).OfType<CandidateEvaluated>().Count() < 150, "the search ended before the plain node tried");

            var secureResult = await secure.ResultAsync(Generous);
            var seedResult = await seed.ResultAsync(Generous);
            Assert.True(secureResult.ExitCode == 0, secureResult.ToString());
            Assert.True(seedResult.ExitCode == 0, seedResult.ToString());
            LogChecks.CompletedExactlyOnce(await kit.ReadLogAsync("tls"), 150);
            Assert.Contains("akka.ssl.tcp://actornas@127.0.0.1", await ReadSharedAsync(kit.LogFile("seed")), StringComparison.Ordinal);
        }
        catch
        {
            // the nodes' own logs say what happened (they are gone with the test's folder afterwards)
            foreach (var name in new[] { "seed", "secure", "plain" })
                if (File.Exists(kit.LogFile(name)))
                    output.WriteLine($"--- {name}.log (last lines) ---\n" +
                                     string.Join('\n', (await ReadSharedAsync(kit.LogFile(name))).Split('\n').TakeLast(60)));
            throw;
        }
    }

    /// <summary>A self-signed certificate for 127.0.0.1 and localhost, with its key, as PKCS#12: what every node of the test uses.</summary>
    private static void WriteSelfSignedCertificate(string path, string password)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=actornas-test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));   // server and client authentication
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
    }

    /// <summary>Reads a log file another process still writes to.</summary>
    private static async Task<string> ReadSharedAsync(string path)
    {
        if (!File.Exists(path)) return "";
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }
}
