using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ActorNas.Actors.Runtime;
using ActorNas.Actors.Configuration;
using ActorNas.Actors.Persistence;
using ActorNas.Analysis;
using ActorNas.Analysis.Output;
using ActorNas.Cli.Running;
using ActorNas.Cli.Output;
using ActorNas.Core.Events;

namespace ActorNas.Cli.Commands;

/// <summary>
/// `actornas analyze`: the evolution-pattern study of a search's log (its journal rows read directly, one event at a
/// time; --from-seq/--since study the candidates proposed from a later point), as report.md, PNG figures, candidates.csv/.parquet, the layer-request trace and the cache study. --follow keeps
/// reading a live search and rewrites the outputs every --refresh until it completes.
/// </summary>
internal static class AnalyzeCommand
{
    public static Command Create()
    {
        var log = new LogFlags("Search to analyse (may be left out when the database holds one search)");
        var output = new Option<string>("--out") { Description = "Folder for report.md, the figures and the tables (created if missing)", Required = true };
        var window = new Option<int>("--window") { Description = "W: proposals in the donor-popularity window, and donor choices in the cache study's donor-popularity policy (default 100)", DefaultValueFactory = _ => 100 };
        var lowQuantile = new Option<double>("--low-quantile") { Description = "Results below this quantile count as low quality (default 0.25)", DefaultValueFactory = _ => 0.25 };
        var thresholds = new Option<string?>("--thresholds") { Description = "Objective levels to time, comma-separated (default: quantiles 0.5, 0.9, 0.99 and the best)" };
        var kgram = new Option<int>("--kgram") { Description = "Longest genotype prefix counted for prefix popularity (default 3)", DefaultValueFactory = _ => 3 };
        var compare = new Option<string[]>("--compare") { Description = "Another search id in the same database to set beside this one (batch vs continuous); repeatable", AllowMultipleArgumentsPerToken = false };
        var follow = new Option<bool>("--follow") { Description = "Keep reading a running search; rewrite the outputs every --refresh until it completes (Ctrl+C stops)" };
        var refresh = new Option<double>("--refresh") { Description = "Seconds between rewrites with --follow (default 10)", DefaultValueFactory = _ => 10 };
        var fromSeq = new Option<long?>("--from-seq") { Description = "Study only the candidates proposed at event N or later (the last analysis's lastSequenceNr + 1); every event is still read for the search's state" };
        var since = new Option<string?>("--since") { Description = "Study only the candidates proposed at this time or later (ISO 8601, e.g. 2026-12-06T03:00:00Z; UTC when no offset is given)" };
        var command = new Command("analyze", "Study a search's log: quality over time, mutations, donors, workers, layer reuse, cache policies (report.md, PNGs, CSV, Parquet)")
        {
            output, window, lowQuantile, thresholds, kgram, compare, follow, refresh, fromSeq, since,
        };
        log.AddTo(command);
        command.SetAction((parse, cancel) => CommandGuard.RunAsync(parse.GetValue(log.Verbose), parse.GetValue(log.Json), async () =>
        {
            var path = parse.GetValue(log.Db)!;
            var storeConfig = CliOptions.StoreConfig(parse.GetValue(log.Config));
            var outDir = OutputPaths.CheckFolder("--out", parse.GetValue(output)!, StoreHost.ReadPersistence(storeConfig, path));
            Logging.Configure(null, path);
            var options = new AnalysisSettings(parse.GetValue(window), parse.GetValue(lowQuantile), ParseThresholds(parse.GetValue(thresholds)), parse.GetValue(kgram));
            options.Validate();
            if (parse.GetValue(refresh) is var seconds && !(seconds > 0))
                throw new SettingsException($"--refresh must be a positive number of seconds, got {seconds}");

            var following = parse.GetValue(follow);
            var analysisWindow = Window(parse.GetValue(fromSeq), parse.GetValue(since));
            if (following && !analysisWindow.IsWhole)
                throw new SettingsException("--from-seq and --since cannot be combined with --follow: follow a search from its start, or analyse it once from a later point");
            if (following) await StoreHost.WaitForJournalAsync(StoreHost.ReadPersistence(storeConfig, path), TimeSpan.FromSeconds(seconds), cancel);
            await using var store = StoreHost.OpenForReading(storeConfig, path);
            var id = parse.GetValue(log.SearchId) is { } given ? SearchIds.Validate(given) : await store.OnlySearchAsync(path, cancel);
            // a search that is about to start is worth waiting for when following it; otherwise the id is wrong
            while (await store.Log.ReadStartAsync(id, cancel) is null)
            {
                if (!following) throw UnknownSearchException.For(id, path);
                await Console.Error.WriteLineAsync($"waiting for search {id} to start in {path} ...");
                await Task.Delay(TimeSpan.FromSeconds(seconds), cancel);
            }

            var others = new List<(string, LogFold)>();
            foreach (var other in parse.GetValue(compare) ?? [])
            {
                var otherId = SearchIds.Validate(other);
                var otherFold = await ReadAsync(store, otherId, path, cancel);
                others.Add((otherId, otherFold));
            }

            var source = $"{path}, search {id}";
            AnalysisOutputs outputs;
            if (following)
                outputs = await FollowAsync(store, id, options, outDir, others, source, TimeSpan.FromSeconds(parse.GetValue(refresh)), cancel);
            else
            {
                var fold = await ReadAsync(store, id, path, cancel, analysisWindow);
                if (analysisWindow.FromSequenceNr > fold.LastSequenceNr + 1)
                    throw new SettingsException(string.Create(CultureInfo.InvariantCulture,
                        $"--from-seq {analysisWindow.FromSequenceNr} is past the end of search {id}, whose last event is {fold.LastSequenceNr}; give at most {fold.LastSequenceNr + 1}"));
                outputs = await AnalysisWriter.WriteAsync(id, fold, options, outDir, others, source);
            }

            var a = outputs.Analysis;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"analysed search {id}: {a.Candidates} candidates, {a.Fold.Evaluations.Count} evaluated, {a.Failed} failed, " +
                $"{(a.IsCompleted ? "completed" : "not completed")}; wrote {outputs.Files.Count} files to {outDir} (report: {AnalysisWriter.ReportName})"));
            if (parse.GetValue(log.Json))
                Console.WriteLine(JsonSerializer.Serialize(new AnalysisJson(id, a.Candidates, a.Fold.Evaluations.Count, a.Failed, a.IsCompleted,
                    a.Fold.EventCount, a.Fold.LastSequenceNr, outDir, outputs.Files.Select(Path.GetFileName).OfType<string>().ToList()), CliJson.Relaxed.AnalysisJson));
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>--from-seq and --since as a window; a bad value is a <see cref="SettingsException"/> (exit 2).</summary>
    private static AnalysisWindow Window(long? fromSeq, string? since)
    {
        if (fromSeq is < 1)
            throw new SettingsException($"--from-seq must be an event's sequence number, 1 or more, got {fromSeq}");
        DateTimeOffset? at = null;
        if (since is not null)
        {
            if (!DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                throw new SettingsException($"--since: \"{since}\" is not a time; give an ISO 8601 time such as 2026-12-06T03:00:00Z");
            at = parsed;
        }
        return new AnalysisWindow(fromSeq ?? 1, at);
    }

    /// <summary>Folds a search's current events, with a progress line on stderr for long logs.</summary>
    private static async Task<LogFold> ReadAsync(StoreHost store, string id, string db, CancellationToken cancel, AnalysisWindow? window = null)
    {
        var fold = new LogFold(window);
        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        var count = await store.Log.ReadWithSequenceNrsAsync(id, (sequenceNr, e) =>
        {
            fold.Apply(sequenceNr, e);
            if (clock.Elapsed - lastReport > TimeSpan.FromSeconds(2))
            {
                lastReport = clock.Elapsed;
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"reading search {id}: {fold.EventCount:N0} events, {fold.Trace.Records.Count:N0} candidates"));
            }
        }, cancellationToken: cancel);
        if (count == 0) throw UnknownSearchException.For(id, db);
        return fold;
    }

    private static async Task<AnalysisOutputs> FollowAsync(StoreHost store, string id, AnalysisSettings options, string outDir,
        IReadOnlyList<(string, LogFold)> others, string source, TimeSpan refresh, CancellationToken cancel)
    {
        var fold = new LogFold();
        var gate = new object();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var reading = store.Log.FollowAsync(id, e =>
        {
            lock (gate) fold.Apply(e);
            return e is not SearchCompleted;
        }, stop.Token);

        AnalysisOutputs? outputs = null;
        while (!reading.IsCompleted)
        {
            await Task.WhenAny(reading, Task.Delay(refresh, cancel)).ConfigureAwait(false);
            if (cancel.IsCancellationRequested) break;
            if (reading.IsCompleted) break;
            lock (gate)
            {
                if (fold.Started is null) continue;
                outputs = AnalysisWriter.WriteAsync(id, fold, options, outDir, others, source + " (following)").GetAwaiter().GetResult();
            }
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"following search {id}: {outputs.Analysis.Fold.Evaluations.Count} evaluated; outputs rewritten")).ConfigureAwait(false);
        }
        await stop.CancelAsync().ConfigureAwait(false);
        try { await reading.ConfigureAwait(false); }
        catch (OperationCanceledException) { }
        lock (gate)
            return fold.Started is null ? throw UnknownSearchException.For(id, source)
                : AnalysisWriter.WriteAsync(id, fold, options, outDir, others, source).GetAwaiter().GetResult();
    }

    private static IReadOnlyList<double>? ParseThresholds(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        return text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t =>
            double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
                ? v : throw new SettingsException($"--thresholds: \"{t}\" is not a number; give comma-separated objective levels such as 0.9,0.95")).ToList();
    }
}
