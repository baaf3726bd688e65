using System.Globalization;
using System.Net;
using ActorNas.Integration.Tests.Cluster;

namespace ActorNas.Integration.Tests.Web;

/// <summary>The page of a cluster search (log in PostgreSQL): served by the population node with `seed --web`, and by `serve`.</summary>
public sealed class ClusterPageTests(ITestOutputHelper output)
{
    private const string Token = "cluster-token";

    [SkippableFact]
    public async Task Seed_with_web_shows_the_members_and_pauses_through_the_singleton_and_serve_reads_the_same_log()
    {
        Skip.If(ClusterTestKit.ServerConnectionString is null, ClusterTestKit.SkipReason);
        Skip.If(HeadlessChromium.SkipReason is not null, HeadlessChromium.SkipReason);
        await using var kit = await ClusterTestKit.CreateAsync();
        var config = kit.WriteConfig("node.hocon", meanMs: 30);
        int seedPort = ClusterTestKit.FreePort(), workerPort = ClusterTestKit.FreePort(), webPort = WebCliTests.FreePort();
        var root = $"http://127.0.0.1:{webPort}";
        using var seed = ActorNasProcess.Start(kit.Dir.Path,
            "seed", "--search-id", "cw", "--evaluator", "synthetic", "--budget", "20000", "--population", "20", "--sample", "5", "--seed", "3",
            "--config", config, "--port", seedPort.ToString(CultureInfo.InvariantCulture), "--log-file", kit.LogFile("seed"), "--json",
            "--web", webPort.ToString(CultureInfo.InvariantCulture), "--web-token", Token);
        using var worker = ActorNasProcess.Start(kit.Dir.Path, "worker", "--join", $"127.0.0.1:{seedPort}",
            "--port", workerPort.ToString(CultureInfo.InvariantCulture), "--slots", "2", "--config", config, "--log-file", kit.LogFile("worker"));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        await WebCliTests.WaitForAsync(http, root + "/api/searches/cw", seed, v => v.GetProperty("evaluated").GetInt32() >= 5);

        await using (var browser = await HeadlessChromium.OpenAsync(root + "/search/cw"))
        {
            var limit = TimeSpan.FromSeconds(60);
            await browser.WaitAsync(() => browser.TextAsync("members"), t => t is not null && t.Contains("evaluator", StringComparison.Ordinal)
                && t.Contains("population", StringComparison.Ordinal), limit, "the cluster members with their roles");
            var members = (await browser.TextAsync("members"))!;
            Assert.Contains($"127.0.0.1:{seedPort}", members);
            Assert.Contains($"127.0.0.1:{workerPort}", members);
            await browser.WaitAsync(() => browser.TextAsync("nodes"), t => t is not null && t.Contains($"127.0.0.1:{workerPort}", StringComparison.Ordinal),
                limit, "the worker's node among the nodes that evaluated");
        }

        // pause through the page's API: the message goes to the Population wherever the singleton runs
        using (var pause = new HttpRequestMessage(HttpMethod.Post, root + "/api/searches/cw/pause"))
        {
            pause.Headers.Add("X-ActorNas-Token", Token);
            using var answer = await http.SendAsync(pause);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }
        var paused = await WebCliTests.WaitForAsync(http, root + "/api/searches/cw", seed,
            v => v.GetProperty("paused").GetBoolean() && v.GetProperty("running").GetInt32() == 0);
        output.WriteLine($"paused at {paused.GetProperty("evaluated")} evaluations");

        // serve reads the same PostgreSQL log from another process and agrees
        var servePort = WebCliTests.FreePort();
        using (var serve = ActorNasProcess.Start(kit.Dir.Path, "serve", "--config", config, "--port", servePort.ToString(CultureInfo.InvariantCulture)))
        {
            var served = await WebCliTests.WaitForAsync(http, $"http://127.0.0.1:{servePort}/api/searches/cw", serve, _ => true);
            var again = await WebCliTests.ViewAsync(http, root + "/api/searches/cw");
            Assert.Equal(again.GetProperty("sequenceNr").GetInt64(), served.GetProperty("sequenceNr").GetInt64());
            Assert.Equal(again.GetProperty("evaluated").GetInt32(), served.GetProperty("evaluated").GetInt32());
            Assert.Equal(again.GetProperty("best").GetProperty("objective").GetDouble(), served.GetProperty("best").GetProperty("objective").GetDouble());
            Assert.False(served.GetProperty("controls").GetBoolean());
        }

        using (var stop = new HttpRequestMessage(HttpMethod.Post, root + "/api/searches/cw/stop"))
        {
            stop.Headers.Add("X-ActorNas-Token", Token);
            using var answer = await http.SendAsync(stop);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }
        var result = await seed.ResultAsync(TimeSpan.FromSeconds(150));
        Assert.StartsWith("stopped: ", result.Summary().CompletionReason);
        await worker.ResultAsync(TimeSpan.FromSeconds(150));
    }
}
