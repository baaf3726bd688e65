using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace ActorNas.Benchmarks;

/// <summary>
/// What watching costs the search: a search at full speed (zero-duration synthetic evaluator, 4 slots, SQLite) served
/// with `run --web`, once with no client and once with 20 event-stream clients (20 open pages) reading every event from
/// the first; evaluations/s of each, and whether every client got every event once, in order. Real processes. The
/// clients run in a process of their own, so the search process's CPU time per evaluation (reported beside
/// evaluations/s) is what serving them costs it; on a two-core box their parsing still competes with the search for the
/// cores, which evaluations/s shows and a browser on another machine would not cause.
/// </summary>
internal static class WebLoadBenchmark
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        // --clients 1 against the default 20 separates the shared feed's cost (one journal reader) from each page's writes
        var clients = options.Clients ?? 20;
        var budget = options.Budget ?? (options.Quick ? 3000 : 100_000);
        var rounds = options.Rounds ?? (options.Quick ? 1 : 2);
        var where = options.Serve ? "served by `actornas serve` in a process of its own" : "served by the search's process (run --web)";
        Console.WriteLine($"web load: {budget} evaluations at full speed, 4 slots, SQLite; {clients} event-stream clients or none, {where}; {rounds} round(s), alternating");
        var alone = new List<Run>();
        var watched = new List<Run>();
        long eventsPerClient = 0;
        for (var round = 1; round <= rounds; round++)
        {
            alone.Add(await OneAsync(budget, 0, options.Serve));
            var run = await OneAsync(budget, clients, options.Serve);
            watched.Add(run);
            eventsPerClient = run.Events;
        }
        double a = alone.Average(r => r.Rate), w = watched.Average(r => r.Rate), drop = 100 * (1 - w / a);
        double cpuAlone = alone.Average(r => r.CpuMsPerEvaluation), cpuWatched = watched.Average(r => r.CpuMsPerEvaluation);
        static string Each(List<Run> runs, Func<Run, double> of, string format) =>
            string.Join(", ", runs.Select(r => of(r).ToString(format, CultureInfo.InvariantCulture)));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"evaluations/s alone {a:F0} ({Each(alone, r => r.Rate, "F0")}); with {clients} clients {w:F0} ({Each(watched, r => r.Rate, "F0")}): a drop of {drop:F1} %; each client read {eventsPerClient} events"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"CPU ms of the search's process per evaluation (start-up and the pages' last reads included): alone {cpuAlone:F3} ({Each(alone, r => r.CpuMsPerEvaluation, "F3")}); " +
            $"with {clients} clients {cpuWatched:F3} ({Each(watched, r => r.CpuMsPerEvaluation, "F3")}): {cpuWatched / cpuAlone:F2}x"));
        Console.WriteLine(new BenchJson().Add("budget", budget, 0).Add("clients", clients, 0).Add("evalsPerSecondAlone", a, 1)
            .Add("evalsPerSecondWatched", w, 1).Add("dropPercent", drop, 1).Add("cpuMsPerEvaluationAlone", cpuAlone, 3)
            .Add("cpuMsPerEvaluationWatched", cpuWatched, 3).Add("cpuRatio", cpuWatched / cpuAlone, 2).Add("eventsPerClient", eventsPerClient, 0));
        return 0;
    }

    /// <param name="Rate">The search's evaluations/s (its --json summary: evaluated over elapsed).</param>
    /// <param name="CpuMsPerEvaluation">The search process's CPU time (user and system) over its evaluations.</param>
    /// <param name="Events">The events each client read.</param>
    private sealed record Run(double Rate, double CpuMsPerEvaluation, long Events);

    /// <param name="separate">Serve the pages from `actornas serve` on the same database instead of `run --web`; its CPU
    /// time while the clients read (from /proc) is reported per event.</param>
    private static async Task<Run> OneAsync(int budget, int clients, bool separate)
    {
        using var scratch = new ScratchDirectory();
        var port = FreePort();
        var config = scratch.File("zero.hocon");
        await File.WriteAllTextAsync(config, "actornas.evaluator.synthetic { duration = zero }\n");
        var cpuFile = scratch.File("cpu.txt");
        var db = scratch.File("load.db");
        string[] web = separate ? [] : ["--web", port.ToString(CultureInfo.InvariantCulture)];
        using var run = CliRun.Start(scratch.Path, cpuFile, ["run", "--evaluator", "synthetic", "--budget", budget.ToString(CultureInfo.InvariantCulture),
            "--workers", "4", "--seed", "7", "--db", db, "--search-id", "load", "--config", config, "--json", .. web]);
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var url = $"http://127.0.0.1:{port}/api/searches/load";
        Process? readers = null;
        CliRun? server = null;
        long[] counts;
        double serverCpu;
        try
        {
            double serverCpuBefore = 0;
            if (clients > 0)
            {
                // serve waits for the database and its tables itself, so it may start before the search makes them
                if (separate) server = CliRun.Start(scratch.Path, cpuFile: null, "serve", "--db", db, "--port", port.ToString(CultureInfo.InvariantCulture));
                await WaitUntilServingAsync(http, url, server ?? run);
                if (server is not null) serverCpuBefore = CpuSecondsOfProcess(server.Pid);
                readers = StartClients(url + "/events", clients);
            }
            await run.WaitAsync(TimeSpan.FromMinutes(30));
            if (run.ExitCode != 0) throw new BenchmarkFailedException($"the search exited {run.ExitCode}: {run.Stderr}");
            // CountsAsync owns the clients' process from here (it disposes it, and kills it when it hangs)
            (var reading, readers) = (readers, null);
            counts = reading is null ? [] : await CountsAsync(reading);
            serverCpu = server is null ? 0 : CpuSecondsOfProcess(server.Pid) - serverCpuBefore;
        }
        finally
        {
            // a failed run leaves no process behind: the serve process and the clients go with it
            server?.Dispose();
            if (readers is { HasExited: false }) readers.Kill(entireProcessTree: true);
        }
        var summary = JsonDocument.Parse(run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement;
        var evaluated = summary.GetProperty("evaluated").GetInt32();
        var rate = evaluated / summary.GetProperty("elapsedSeconds").GetDouble();
        var cpuMs = 1000 * CliRun.CpuSecondsOf(cpuFile) / evaluated;
        if (counts.Length > 0 && counts.Distinct().Count() != 1)
            throw new BenchmarkFailedException($"the clients read different numbers of events: {string.Join(", ", counts)}");
        var read = counts.Length > 0 ? $", each client read {counts[0]} events" : "";
        // the server logs each time a page reads on its own instead of from the shared window (it fell behind)
        var log = scratch.File("actornas.log");   // serve writes its log beside the database too
        var own = File.Exists(log) ? File.ReadLines(log).Count(l => l.Contains("reads the log on its own", StringComparison.Ordinal)) : 0;
        if (clients > 0) read += $", {own} time(s) a page read on its own";
        if (server is not null && counts.Length > 0)
            read += string.Create(CultureInfo.InvariantCulture, $"; the serve process used {serverCpu:F1} CPU s, {1e6 * serverCpu / counts[0]:F1} us per event");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {clients,2} clients: {rate:F0} evaluations/s over {summary.GetProperty("elapsedSeconds").GetDouble():F1} s, {cpuMs:F3} CPU ms per evaluation{read}"));
        return new Run(rate, cpuMs, counts.Length > 0 ? counts[0] : 0);
    }

    /// <summary>User and system CPU seconds of a running process, from /proc/PID/stat (clock ticks of 1/100 s).</summary>
    private static double CpuSecondsOfProcess(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // fields after the name: state is the first (field 3), utime and stime are fields 14 and 15
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    /// <summary>The clients' process: `dotnet ActorNas.Benchmarks.dll web-clients URL N`.</summary>
    private static Process StartClients(string url, int clients)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { typeof(WebLoadBenchmark).Assembly.Location, "web-clients", url, clients.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(arg);
        return Process.Start(start) ?? throw new BenchmarkFailedException("could not start the clients' process");
    }

    /// <summary>The events each client read, once the clients' process has read every stream to its end.</summary>
    private static async Task<long[]> CountsAsync(Process readers)
    {
        using (readers)
        {
            var output = readers.StandardOutput.ReadToEndAsync();
            var errors = readers.StandardError.ReadToEndAsync();
            using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(10));
            try
            {
                await readers.WaitForExitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                readers.Kill(entireProcessTree: true);
                throw new BenchmarkFailedException("the clients had not read to the end of the stream 10 minutes after the search ended");
            }
            if (readers.ExitCode != 0) throw new BenchmarkFailedException($"the clients failed (exit {readers.ExitCode}): {await errors}");
            return (await output).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(n => long.Parse(n, CultureInfo.InvariantCulture)).ToArray();
        }
    }

    /// <summary>The clients' process: reads the stream with <paramref name="clients"/> connections at once; prints each one's count.</summary>
    public static async Task<int> ClientsAsync(string url, int clients)
    {
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        try
        {
            var counts = await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => ReadAllAsync(http, url)));
            Console.WriteLine(string.Join(' ', counts));
            return 0;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine(e);
            return 1;
        }
    }

    /// <summary>
    /// Reads the stream from the first event to its end, checking that the ids run 1, 2, 3, ... without a gap. It scans
    /// the bytes for "id: " lines instead of decoding every line into a string: on this two-core machine the twenty
    /// readers share the cores with the search, and what they spend there is this machine's cost, not the server's (a
    /// browser would be elsewhere), so they spend as little as the check allows.
    /// </summary>
    private static async Task<long> ReadAllAsync(HttpClient http, string url)
    {
        await using var body = await http.GetStreamAsync(url);
        var buffer = new byte[64 * 1024];
        int held = 0, read;
        long expected = 1;
        var lineStart = true;
        while ((read = await body.ReadAsync(buffer.AsMemory(held))) > 0)
        {
            held += read;
            var consumed = Scan(buffer.AsSpan(0, held), ref expected, ref lineStart);
            // an unfinished "id: N" line stays for the next read
            buffer.AsSpan(consumed, held - consumed).CopyTo(buffer);
            held -= consumed;
            if (held == buffer.Length) Array.Resize(ref buffer, 2 * buffer.Length);
        }
        return expected - 1;
    }

    /// <summary>Checks every complete "id: N" line in <paramref name="bytes"/>; returns how many bytes were looked at for good.</summary>
    private static int Scan(ReadOnlySpan<byte> bytes, ref long expected, ref bool lineStart)
    {
        var at = 0;
        while (at < bytes.Length)
        {
            var newline = bytes[at..].IndexOf((byte)'\n');
            if (lineStart && bytes[at..].StartsWith("id: "u8))
            {
                if (newline < 0) return at;   // the id's line is not complete yet
                if (!System.Buffers.Text.Utf8Parser.TryParse(bytes.Slice(at + 4, newline - 4), out long id, out var used) || used != newline - 4)
                    throw new BenchmarkFailedException($"an id line that is not a number: {System.Text.Encoding.UTF8.GetString(bytes.Slice(at, newline))}");
                if (id != expected) throw new BenchmarkFailedException($"event {id} arrived where {expected} was due");
                expected++;
            }
            else if (lineStart && bytes.Length - at < 4 && "id: "u8.StartsWith(bytes[at..]))
                return at;   // could be the start of an id line: wait for more
            if (newline < 0)
            {
                lineStart = false;
                return bytes.Length;
            }
            at += newline + 1;
            lineStart = true;
        }
        return at;
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
