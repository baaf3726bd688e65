using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace ActorNas.Integration.Tests.Web;

/// <summary>`run --web` and `serve` as real processes: the JSON API, the event stream and the buttons' protocol.</summary>
public sealed class WebCliTests(ITestOutputHelper output)
{
    private const string Token = "t0ken-for-tests";

    [Fact]
    public async Task Run_with_web_agrees_with_status_streams_each_event_once_after_a_reconnect_and_pauses_only_with_the_token()
    {
        using var dir = new TempDirectory();
        var db = dir.File("web.db");
        var config = dir.Write("slow.hocon", Cli.SyntheticConfig(meanMs: 20));
        var port = FreePort();
        var api = $"http://127.0.0.1:{port}/api/searches/w";
        using var run = ActorNasProcess.Start(dir.Path, Cli.RunArgs(db, "w", 5000, seed: 5, "--workers", "2", "--config", config,
            "--web", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--web-token", Token, "--json"));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        await WaitForAsync(http, api, run, v => v.GetProperty("evaluated").GetInt32() >= 10);

        // the stream from the start, cut after 40 events; a reconnect with Last-Event-ID goes on after the last one, through
        // its own subscription until it reaches the window shared by every page, then from that window
        var first = await ServerSentEvents.ReadAsync(http, api + "/events", null, e => e.Count >= 40, TimeSpan.FromSeconds(60));
        var second = await ServerSentEvents.ReadAsync(http, api + "/events", first[^1].Id, e => e.Count >= 400, TimeSpan.FromSeconds(90));
        var ids = first.Concat(second).Select(e => e.Id).ToList();
        Assert.Equal(Enumerable.Range(1, ids.Count).Select(i => (long)i), ids);
        Assert.All(first.Concat(second), e => Assert.Equal(e.Id, e.Data.GetProperty("seq").GetInt64()));
        Assert.Equal("search-started.v1", first[0].Data.GetProperty("type").GetString());
        Assert.Equal(440, ids.Count);

        // without the token (or with a wrong one) nothing changes
        using (var refused = await http.PostAsync(api + "/pause", null)) Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        using (var wrong = new HttpRequestMessage(HttpMethod.Post, api + "/pause"))
        {
            wrong.Headers.Add("X-ActorNas-Token", "not-it");
            using var answer = await http.SendAsync(wrong);
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        }
        Assert.False((await ViewAsync(http, api)).GetProperty("paused").GetBoolean());

        // with it, the search pauses: running evaluations finish, then the log stands still
        using (var pause = await PostAsync(http, api + "/pause", Token)) Assert.Equal(HttpStatusCode.OK, pause.StatusCode);
        var settled = await WaitForAsync(http, api, run, v => v.GetProperty("paused").GetBoolean() && v.GetProperty("running").GetInt32() == 0);
        await Task.Delay(1500);
        var api1 = await ViewAsync(http, api);
        var status = await Cli.StatusAsync(dir, db, "w");
        var api2 = await ViewAsync(http, api);
        output.WriteLine($"paused at {api1.GetProperty("sequenceNr")}: {status.Json}");
        Assert.True(settled.GetProperty("evaluated").GetInt32() < 5000, "the search ran to its end before the pause");
        Assert.Equal(api1.GetProperty("sequenceNr").GetInt64(), api2.GetProperty("sequenceNr").GetInt64());   // status read the same log
        Assert.True(status.Paused);
        Assert.Equal(status.Evaluated, api1.GetProperty("evaluated").GetInt32());
        Assert.Equal(status.Failed, api1.GetProperty("failed").GetInt32());
        Assert.Equal(status.Budget, api1.GetProperty("budget").GetInt32());
        Assert.Equal(status.Running, api1.GetProperty("running").GetInt32());
        Assert.Equal(status.Queued, api1.GetProperty("queued").GetInt32());
        Assert.Equal(status.Completed, api1.GetProperty("completed").GetBoolean());
        Assert.Equal(status.Best!.Id, api1.GetProperty("best").GetProperty("id").GetInt64());
        Assert.Equal(status.Best.Genotype, api1.GetProperty("best").GetProperty("genotype").GetString());
        Assert.Equal(status.Best.Objective, api1.GetProperty("best").GetProperty("objective").GetDouble());

        // resume, then stop through the same protocol: the run ends with the reason the page gave
        using (var resume = await PostAsync(http, api + "/resume", Token)) Assert.Equal(HttpStatusCode.OK, resume.StatusCode);
        await WaitForAsync(http, api, run, v => v.GetProperty("evaluated").GetInt32() > api1.GetProperty("evaluated").GetInt32());
        using (var stop = await PostAsync(http, api + "/stop", Token)) Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
        var result = await run.ResultAsync(TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.StartsWith("stopped: ", result.Summary().CompletionReason);
    }

    [Fact]
    public async Task Serve_started_before_any_search_waits_for_the_log_then_serves_the_search_started_after_it()
    {
        using var dir = new TempDirectory();
        var db = dir.File("later.db");   // not created yet: the run below creates it
        var port = FreePort();
        using var serve = ActorNasProcess.Start(dir.Path, "serve", "--db", db, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.False(serve.HasExited, "serve gave up on a database without a log");

        var run = await ActorNasProcess.RunAsync(dir.Path, Cli.RunArgs(db, "later", 20, seed: 3, "--json"));
        Assert.True(run.ExitCode == 0, run.ToString());
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var view = await WaitForAsync(http, $"http://127.0.0.1:{port}/api/searches/later", serve, v => v.GetProperty("completed").GetBoolean());

        Assert.Equal(20, view.GetProperty("evaluated").GetInt32());
        serve.KillHard();
        var result = await serve.ResultAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("holds no search log yet; waiting for a search to start in it", result.Stderr);
    }

    [Fact]
    public async Task Serve_answers_an_unknown_search_with_404_naming_list_and_refuses_other_machines_without_a_token()
    {
        using var dir = new TempDirectory();
        var db = dir.File("done.db");
        var done = await ActorNasProcess.RunAsync(dir.Path, Cli.RunArgs(db, "done", 30, seed: 2, "--json"));
        Assert.True(done.ExitCode == 0, done.ToString());

        var open = await ActorNasProcess.RunAsync(dir.Path, "serve", "--db", db, "--bind", "0.0.0.0", "--port", "0");
        Assert.True(open.ExitCode == 2, open.ToString());
        Assert.Contains("--web-token", open.Stderr);
        var runOpen = await ActorNasProcess.RunAsync(dir.Path, Cli.RunArgs(dir.File("never.db"), "x", 10, seed: 1, "--web", "0", "--web-bind", "0.0.0.0"));
        Assert.True(runOpen.ExitCode == 2, runOpen.ToString());
        Assert.False(File.Exists(dir.File("never.db")), "the refused run created its database");

        var port = FreePort();
        using var serve = ActorNasProcess.Start(dir.Path, "serve", "--db", db, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var root = $"http://127.0.0.1:{port}";
        await WaitForAsync(http, root + "/api/searches/done", serve, v => v.GetProperty("completed").GetBoolean());

        using var missing = await http.GetAsync(root + "/search/nope");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var page = await missing.Content.ReadAsStringAsync();
        Assert.Contains($"actornas list --db {db}", page);
        using var missingApi = await http.GetAsync(root + "/api/searches/nope");
        Assert.Equal(HttpStatusCode.NotFound, missingApi.StatusCode);

        // a finished search: the stream sends everything and ends; a reconnect after its end is told to stop (204)
        var events = await ServerSentEvents.ReadAsync(http, root + "/api/searches/done/events", null, _ => false, TimeSpan.FromSeconds(60));
        Assert.Equal("end", events[^1].Name);
        var logged = events.Where(e => e.Name == "message").ToList();
        Assert.Equal("search-completed.v1", logged[^1].Data.GetProperty("type").GetString());
        Assert.Equal(Enumerable.Range(1, logged.Count).Select(i => (long)i), logged.Select(e => e.Id));
        using (var again = new HttpRequestMessage(HttpMethod.Get, root + "/api/searches/done/events"))
        {
            again.Headers.Add("Last-Event-ID", logged[^1].Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using var answer = await http.SendAsync(again);
            Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        }

        // serve is read-only: no token, no buttons
        using (var pause = await PostAsync(http, root + "/api/searches/done/pause", Token)) Assert.Equal(HttpStatusCode.Forbidden, pause.StatusCode);
        var csv = await http.GetStringAsync(root + "/api/searches/done/candidates.csv");
        Assert.Equal(31, csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);   // a header and 30 candidates
        Assert.Equal(done.Summary().Best!.Objective, (await ViewAsync(http, root + "/api/searches/done")).GetProperty("best").GetProperty("objective").GetDouble());
    }

    [Fact]
    public async Task The_downloads_are_the_files_analyze_writes_and_an_unknown_search_gets_404()
    {
        using var dir = new TempDirectory();
        var db = dir.File("done.db");
        var done = await ActorNasProcess.RunAsync(dir.Path, Cli.RunArgs(db, "done", 30, seed: 4, "--json"));
        Assert.True(done.ExitCode == 0, done.ToString());
        var analyzed = dir.File("analysis");
        var analyze = await ActorNasProcess.RunAsync(dir.Path, "analyze", "--db", db, "--search-id", "done", "--out", analyzed);
        Assert.True(analyze.ExitCode == 0, analyze.ToString());

        var port = FreePort();
        var temporary = Directory.CreateDirectory(dir.File("tmp")).FullName;   // where serve writes a download before sending it
        using var serve = ActorNasProcess.Start(dir.Path, new Dictionary<string, string> { ["TMPDIR"] = temporary },
            "serve", "--db", db, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var api = $"http://127.0.0.1:{port}/api/searches/done";
        await WaitForAsync(http, api, serve, v => v.GetProperty("completed").GetBoolean());

        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(analyzed, "candidates.parquet")), await http.GetByteArrayAsync(api + "/candidates.parquet"));
        using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(await http.GetByteArrayAsync(api + "/analysis.zip")));
        var written = Directory.GetFiles(analyzed, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(analyzed, f).Replace('\\', '/')).Order().ToList();
        Assert.Equal(written, zip.Entries.Select(e => e.FullName).Order().ToList());
        foreach (var table in new[] { "candidates.csv", "cache-study.csv" })
        {
            using var entry = new StreamReader(zip.GetEntry(table)!.Open());
            Assert.Equal(await File.ReadAllTextAsync(Path.Combine(analyzed, table)), await entry.ReadToEndAsync());
        }
        foreach (var file in new[] { "candidates.parquet", "analysis.zip" })
        {
            using var missing = await http.GetAsync($"http://127.0.0.1:{port}/api/searches/nope/{file}");
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }
        // every temporary file is deleted once sent (the server closes it just after the last byte)
        // (the runtime keeps its diagnostics socket there too)
        for (var wait = 0; wait < 50 && Directory.EnumerateFileSystemEntries(temporary, "actornas-web-*").Any(); wait++) await Task.Delay(100);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temporary, "actornas-web-*"));
    }

    [Fact]
    public async Task An_unreadable_log_gets_the_verdict_of_status_and_the_other_searches_are_still_served()
    {
        using var dir = new TempDirectory();
        var db = dir.File("two.db");
        foreach (var id in new[] { "good", "bad" })
        {
            var run = await ActorNasProcess.RunAsync(dir.Path, Cli.RunArgs(db, id, 30, seed: 3, "--json"));
            Assert.True(run.ExitCode == 0, run.ToString());
        }
        DatabaseFiles.CorruptEvent(db, "bad", DatabaseFiles.HighestSequenceNr(db, "bad"));   // after the newest snapshot: status meets it
        var status = await ActorNasProcess.RunAsync(dir.Path, "status", "--db", db, "--search-id", "bad");
        Assert.True(status.ExitCode == 3, status.ToString());
        var verdict = status.StderrLines.Single(l => l.StartsWith("error: ", StringComparison.Ordinal))["error: ".Length..];

        var port = FreePort();
        using var serve = ActorNasProcess.Start(dir.Path, "serve", "--db", db, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var root = $"http://127.0.0.1:{port}/api/searches";
        await WaitForAsync(http, root + "/good", serve, v => v.GetProperty("completed").GetBoolean());
        using var bad = await http.GetAsync(root + "/bad");
        Assert.Equal(HttpStatusCode.InternalServerError, bad.StatusCode);
        Assert.Equal(verdict, JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
        Assert.Equal(30, (await ViewAsync(http, root + "/good")).GetProperty("evaluated").GetInt32());
        Assert.False(serve.HasExited);
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static async Task<JsonElement> ViewAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Polls the API until <paramref name="condition"/> holds; fails if the process exits first or after two minutes.</summary>
    internal static async Task<JsonElement> WaitForAsync(HttpClient http, string url, ActorNasProcess process, Func<JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            if (process.HasExited) Assert.Fail("the process ended early\n" + await process.ResultAsync(TimeSpan.FromSeconds(10)));
            try
            {
                using var response = await http.GetAsync(url);
                if (response.IsSuccessStatusCode && JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone() is var view
                    && condition(view))
                    return view;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            Assert.True(DateTime.UtcNow < deadline, $"{url} did not reach the expected state within 2 minutes");
            await Task.Delay(250);
        }
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string url, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url);
        request.Headers.Add("X-ActorNas-Token", token);
        return http.SendAsync(request);
    }
}
