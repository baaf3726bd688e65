using System.Globalization;

namespace ActorNas.Integration.Tests.Web;

/// <summary>The page in a real browser (headless Chromium): it shows the live search and agrees with `status`.</summary>
public sealed class BrowserTests(ITestOutputHelper output)
{
    private const string Token = "browser-token";

    [SkippableFact]
    public async Task The_page_of_a_running_search_updates_live_and_shows_the_best_objective_of_status()
    {
        Skip.If(HeadlessChromium.SkipReason is not null, HeadlessChromium.SkipReason);
        using var dir = new TempDirectory();
        var db = dir.File("browser.db");
        var config = dir.Write("slow.hocon", Cli.SyntheticConfig(meanMs: 25));
        var port = WebCliTests.FreePort();
        var root = $"http://127.0.0.1:{port}";
        using var run = ActorNasProcess.Start(dir.Path, Cli.RunArgs(db, "live", 5000, seed: 11, "--workers", "2", "--config", config,
            "--web", port.ToString(CultureInfo.InvariantCulture), "--web-token", Token, "--json"));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        await WebCliTests.WaitForAsync(http, root + "/api/searches/live", run, v => v.GetProperty("evaluated").GetInt32() >= 5);

        await using var browser = await HeadlessChromium.OpenAsync(root + "/search/live");
        var limit = TimeSpan.FromSeconds(60);
        Assert.Equal("live", await browser.WaitAsync(() => browser.TextAsync("search-id"), t => t == "live", limit, "the search id"));
        var first = await browser.WaitAsync(() => Number(browser, "evaluated"), n => n > 0, limit, "an evaluated count");
        await browser.WaitAsync(() => Number(browser, "evaluated"), n => n > first, limit, "the evaluated count moving");
        await browser.WaitAsync(() => browser.TextAsync("received"), t => long.TryParse(t, out var n) && n > 10, limit, "streamed events");
        await browser.WaitAsync(async () => await browser.EvaluateAsync("document.querySelectorAll('#population tbody tr').length") is var rows
            && rows.ValueKind == System.Text.Json.JsonValueKind.Number ? rows.GetInt32() : 0, n => n > 0, limit, "the population table");
        // the buttons show with a token, and pause through the page's own request
        Assert.False((await browser.EvaluateAsync("document.getElementById('controls').hidden")).GetBoolean());
        await browser.EvaluateAsync($"document.getElementById('token').value = '{Token}'; document.getElementById('pause').click(); true");
        await browser.WaitAsync(() => browser.TextAsync("state"), t => t == "paused", limit, "the paused state");
        await WebCliTests.WaitForAsync(http, root + "/api/searches/live", run, v => v.GetProperty("running").GetInt32() == 0);

        var status = await Cli.StatusAsync(dir, db, "live");
        Assert.True(status.Paused);
        var shownEvaluated = await browser.WaitAsync(() => Number(browser, "evaluated"), n => n == status.Evaluated, limit, $"evaluated {status.Evaluated}");
        var best = status.Best!.Objective.ToString("F6", CultureInfo.InvariantCulture);
        await browser.WaitAsync(() => browser.TextAsync("best-objective"), t => t == best, limit, $"best objective {best}");
        Assert.Equal(status.Best.Genotype, await browser.TextAsync("best-genotype"));
        output.WriteLine($"page shows evaluated {shownEvaluated}, best {best}; status: {status.Json}");

        // lineage: clicking the best member of the population (the best so far may have aged out of it) lists its parent
        // chain, starting with itself
        var member = (await WebCliTests.ViewAsync(http, root + "/api/searches/live")).GetProperty("population").EnumerateArray()
            .MaxBy(m => m.GetProperty("objective").GetDouble());
        var memberId = member.GetProperty("id").GetInt64();
        await browser.EvaluateAsync($"document.querySelector('#population tbody tr[data-id=\"{memberId}\"]').click(); true");
        var lineage = await browser.WaitAsync(() => browser.TextAsync("lineage"), t => t is { Length: > 0 }, limit, $"the lineage of member {memberId}");
        Assert.StartsWith($"{memberId}: {member.GetProperty("objective").GetDouble().ToString("F6", CultureInfo.InvariantCulture)}", lineage);

        await Task.Delay(1000);   // one more drawing pass of the charts
        var png = await browser.ScreenshotAsync();
        var file = Path.Combine(AppContext.BaseDirectory, "web-screenshots", "running-search.png");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllBytesAsync(file, png);
        output.WriteLine($"screenshot: {file}");
        var (width, height) = Png.Size(png);
        Assert.True(width >= 800 && height >= 600, $"screenshot of {width}x{height}");
        var colours = Png.DistinctColours(png);
        Assert.True(colours > 20, $"the screenshot holds {colours} distinct colours: blank");

        using var stop = new HttpRequestMessage(HttpMethod.Post, root + "/api/searches/live/stop");
        stop.Headers.Add("X-ActorNas-Token", Token);
        using var stopped = await http.SendAsync(stop);
        Assert.True(stopped.IsSuccessStatusCode);
        await run.ResultAsync(TimeSpan.FromSeconds(60));
    }

    [SkippableFact]
    public async Task The_page_of_a_completed_search_shows_it_completed_with_its_best()
    {
        Skip.If(HeadlessChromium.SkipReason is not null, HeadlessChromium.SkipReason);
        using var dir = new TempDirectory();
        var db = dir.File("done.db");
        var done = await ActorNasProcess.RunAsync(dir.Path, Cli.RunArgs(db, "finished", 60, seed: 4, "--json"));
        Assert.True(done.ExitCode == 0, done.ToString());
        var port = WebCliTests.FreePort();
        using var serve = ActorNasProcess.Start(dir.Path, "serve", "--db", db, "--port", port.ToString(CultureInfo.InvariantCulture));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var root = $"http://127.0.0.1:{port}";
        await WebCliTests.WaitForAsync(http, root + "/api/searches", serve, _ => true);

        await using var browser = await HeadlessChromium.OpenAsync(root + "/search/finished");
        var limit = TimeSpan.FromSeconds(60);
        await browser.WaitAsync(() => browser.TextAsync("state"), t => t == "completed (budget)", limit, "the completed state");
        Assert.Equal(60, await Number(browser, "evaluated"));
        var best = done.Summary().Best!.Objective.ToString("F6", CultureInfo.InvariantCulture);
        Assert.Equal(best, await browser.TextAsync("best-objective"));
        await browser.WaitAsync(() => browser.TextAsync("live"), t => t == "search over", limit, "the end of the stream");
        Assert.Equal((await browser.TextAsync("seq"))!, await browser.TextAsync("received"));   // every event of the log arrived once
        Assert.True((await browser.EvaluateAsync("document.getElementById('controls').hidden")).GetBoolean());
        var png = await browser.ScreenshotAsync();
        Assert.True(Png.DistinctColours(png) > 20, "blank screenshot");

        // the index lists the search
        await using var index = await HeadlessChromium.OpenAsync(root + "/");
        await index.WaitAsync(() => index.TextAsync("searches"), t => t == "finished", limit, "the list of searches");
    }

    private static async Task<long> Number(HeadlessChromium browser, string id) =>
        long.TryParse(await browser.TextAsync(id), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
}
