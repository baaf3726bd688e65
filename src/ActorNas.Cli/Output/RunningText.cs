using System.Globalization;
using ActorNas.Actors.Protocol;

namespace ActorNas.Cli.Output;

/// <summary>How long the longest-running candidates have run, for the progress line and `status` (a hung evaluation shows).</summary>
internal static class RunningText
{
    public static string Age(TimeSpan age) => age.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalHours}h {age.Minutes:D2}m")
        : age.TotalMinutes >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{age.Minutes}m {age.Seconds:D2}s")
            : string.Create(CultureInfo.InvariantCulture, $"{age.TotalSeconds:F1}s");

    /// <summary>"longest 12 (4m 10s)" for the progress line, or "" when nothing runs.</summary>
    public static string Longest(SearchStatus status, DateTimeOffset now) =>
        status.LongestRunning is [{ StartedAt: { } at } first, ..] ? $", longest {first.Id} ({Age(now - at)})" : "";

    /// <summary>"candidate 12 on host:1/slot-0 started 4m 10s ago; ..." for `status`.</summary>
    public static string? Lines(SearchStatus status, DateTimeOffset now)
    {
        if (status.LongestRunning is not { Count: > 0 } running) return null;
        var median = status.MedianSeconds is { } m ? string.Create(CultureInfo.InvariantCulture, $" (median evaluation {Age(TimeSpan.FromSeconds(m))})") : "";
        return "longest running: " + string.Join("; ", running.Select(r =>
            $"candidate {r.Id} on {r.Worker}" + (r.StartedAt is { } at ? $" started {Age(now - at)} ago" : ""))) + median;
    }
}
