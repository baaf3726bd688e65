using System.Globalization;
using System.Text.Json;
using ActorNas.Actors.Protocol;
using ActorNas.Core.Caching;
using ActorNas.Core.Spaces;

namespace ActorNas.Cli.Output;

/// <summary>The end-of-command report: readable lines, then (with --json) one JSON object as the last line.</summary>
internal static class Summary
{
    public static SearchSummaryJson ToJson(SearchStatus s, ISearchSpace? space, DateTimeOffset? end = null, BestAccuracy? accuracy = null) => new(
        s.SearchId, s.Evaluated, s.FinalFailures, s.Budget,
        s.Best is null ? null : new BestJson(s.Best.Id, space?.Format(s.Best.Genotype) ?? s.Best.Genotype.ToString(), s.Best.Objective)
        {
            Dataset = accuracy?.Dataset,
            ValidAccuracy = accuracy?.ValidAccuracy,
            TestAccuracy = accuracy?.TestAccuracy,
        },
        Math.Round(((end ?? DateTimeOffset.UtcNow) - s.StartedAt).TotalSeconds, 3),
        s.IsCompleted, s.CompletionReason, s.Running, s.Queued, s.Paused)
    {
        LongestRunning = s.IsCompleted || s.LongestRunning is not { Count: > 0 } running ? null
            : running.Select(r => new RunningJson(r.Id, r.Worker, r.StartedAt,
                r.StartedAt is { } at ? Math.Round((DateTimeOffset.UtcNow - at).TotalSeconds, 3) : null)).ToList(),
    };

    /// <param name="accuracy">The best cell's accuracies on a NAS-Bench-201 dataset (tabular searches), or null.</param>
    public static void Print(SearchStatus status, bool json, ISearchSpace? space = null, DateTimeOffset? end = null, BestAccuracy? accuracy = null)
    {
        var summary = ToJson(status, space, end, accuracy);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"search {summary.SearchId}: {(summary.Completed ? $"completed ({summary.CompletionReason})" : summary.Paused ? "paused" : "not completed")}, " +
            $"evaluated {summary.Evaluated}/{summary.Budget}, failed {summary.Failed}, elapsed {summary.ElapsedSeconds:F1} s"));
        if (summary.Best is { } best)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"best: {best.Objective:F6} candidate {best.Id} {best.Genotype}"));
        if (accuracy is not null)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"best cell on {accuracy.Dataset} (NAS-Bench-201): validation accuracy {accuracy.ValidAccuracy:F2} %, test accuracy {accuracy.TestAccuracy:F2} %"));
        if (!summary.Completed && RunningText.Lines(status, DateTimeOffset.UtcNow) is { } running) Console.WriteLine(running);
        if (json) Console.WriteLine(JsonSerializer.Serialize(summary, CliJson.Relaxed.SearchSummaryJson));
    }

    /// <summary>One line per node whose evaluations recorded weight-cache metrics.</summary>
    public static void PrintCache(IReadOnlyCollection<NodeCacheSummary> nodes)
    {
        foreach (var n in nodes)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"weight cache on {n.Node}: hit ratio {n.HitRatio:P1} ({n.LocalHits} local + {n.RemoteHits} remote of {n.LayersRequested} layers " +
                $"requested by {n.Evaluations} evaluations), {Megabytes(n.BytesInCache)} in cache, {n.Evictions} evictions, " +
                $"{Megabytes(n.BytesFetched)} fetched remotely"));
    }

    public static List<NodeCacheJson>? CacheJson(IReadOnlyCollection<NodeCacheSummary> nodes) =>
        nodes.Count == 0 ? null : nodes.Select(n => new NodeCacheJson(n.Node, n.Evaluations, n.LayersRequested, n.LocalHits, n.RemoteHits,
            Math.Round(n.HitRatio, 6), n.BytesInCache, n.Evictions, n.BytesFetched)).ToList();

    private static string Megabytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024.0):F1} MB");
}
