using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace ActorNas.Benchmarks;

/// <summary>
/// What watching costs the search: a search at full speed (zero-duration synthetic evaluator, 4 slots, SQLite) served
/// with `run --web`, once with no client and once with 20 event-stream clients (20 open pages) reading every event from
/// the first; evaluations/s of each, and whether every client got every event once, in order. Real processes.
/// </summary>
internal static class WebLoadBenchmark
{
    private const int Clients = 20;

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var budget = options.Budget ?? (options.Quick ? 3000 : 100_000);
        var rounds = options.Quick ? 1 : 2;
        Console.WriteLine($"web load: {budget} evaluations at full speed, 4 slots, SQLite; {Clients} event-stream clients or none; {rounds} round(s), alternating");
        var alone = new List<double>();
        var watched = new List<double>();
        long eventsPerClient = 0;
        for (var round = 1; round <= rounds; round++)
        {
            alone.Add((await OneAsync(budget, 0)).Rate);
            var (rate, events) = await OneAsync(budget, Clients);
            watched.Add(rate);
            eventsPerClient = events;
        }
        double a = alone.Average(), w = watched.Average(), drop = 100 * (1 - w / a);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"evaluations/s alone {a:F0} ({string.Join(", ", alone.Select(r => r.ToString("F0", CultureInfo.InvariantCulture)))}); with {Clients} clients {w:F0} " +
            $"({string.Join(", ", watched.Select(r => r.ToString("F0", CultureInfo.InvariantCulture)))}): a drop of {drop:F1} %; each client read {eventsPerClient} events"));
        Console.WriteLine(new BenchJson().Add("budget", budget, 0).Add("clients", Clients, 0).Add("evalsPerSecondAlone", a, 1)
            .Add("evalsPerSecondWatched", w, 1).Add("dropPercent", drop, 1).Add("eventsPerClient", eventsPerClient, 0));
        return 0;
    }

    /// <returns>The search's evaluations/s (its --json summary: evaluated over elapsed) and the events each client read.</returns>
    private static async Task<(double Rate, long Events)> OneAsync(int budget, int clients)
    {
        using var scratch = new ScratchDirectory();
        var port = FreePort();
        var config = scratch.File("zero.hocon");
        await File.WriteAllTextAsync(config, "actornas.evaluator.synthetic { duration = zero }\n");
        using var run = CliRun.Start(scratch.Path, "run", "--evaluator", "synthetic", "--budget", budget.ToString(CultureInfo.InvariantCulture),
            "--workers", "4", "--seed", "7", "--db", scratch.File("load.db"), "--search-id", "load", "--config", config, "--json",
            "--web", port.ToString(CultureInfo.InvariantCulture));
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var url = $"http://127.0.0.1:{port}/api/searches/load";
        var readers = new List<Task<long>>();
        if (clients > 0)
        {
            await WaitUntilServingAsync(http, url, run);
            for (var i = 0; i < clients; i++) readers.Add(ReadAllAsync(http, url + "/events"));
        }
        await run.WaitAsync(TimeSpan.FromMinutes(30));
        if (run.ExitCode != 0) throw new BenchmarkFailedException($"the search exited {run.ExitCode}: {run.Stderr}");
        var counts = await Task.WhenAll(readers);
        var summary = JsonDocument.Parse(run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement;
        var rate = summary.GetProperty("evaluated").GetInt32() / summary.GetProperty("elapsedSeconds").GetDouble();
        if (counts.Length > 0 && counts.Distinct().Count() != 1)
            throw new BenchmarkFailedException($"the clients read different numbers of events: {string.Join(", ", counts)}");
        var read = counts.Length > 0 ? $", each client read {counts[0]} events" : "";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {clients,2} clients: {rate:F0} evaluations/s over {summary.GetProperty("elapsedSeconds").GetDouble():F1} s{read}"));
        return (rate, counts.Length > 0 ? counts[0] : 0);
    }

    /// <summary>Reads the stream from the first event to its end, checking that the ids run 1, 2, 3, ... without a gap.</summary>
    private static async Task<long> ReadAllAsync(HttpClient http, string url)
    {
        await using var body = await http.GetStreamAsync(url);
        using var reader = new StreamReader(body);
        long expected = 1;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("id: ", StringComparison.Ordinal)) continue;
            var id = long.Parse(line[4..], CultureInfo.InvariantCulture);
            if (id != expected) throw new BenchmarkFailedException($"event {id} arrived where {expected} was due");
            expected++;
        }
        return expected - 1;
    }

    private static async Task WaitUntilServingAsync(HttpClient http, string url, CliRun run)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (DateTime.UtcNow < deadline && !run.HasExited)
        {
            try
            {
                using var response = await http.GetAsync(url);
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(50);
        }
        throw new BenchmarkFailedException("the page did not answer within 2 minutes (or the search ended first)");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
