using System.Text.Json.Serialization;
using ActorNas.Actors.Protocol;
using ActorNas.Actors.Query;

namespace ActorNas.Web;

/// <summary>
/// One search as the page's JSON API gives it. Its numbers are <see cref="SearchStatus.Of"/> over
/// <see cref="SearchLog.ReadCurrentAsync"/>, the same code as `actornas status --json`, at <see cref="SequenceNr"/>.
/// </summary>
public sealed record SearchView(
    string SearchId,
    long SequenceNr,
    int Evaluated,
    int Failed,
    int Budget,
    BestView? Best,
    double ElapsedSeconds,
    bool Completed,
    string? CompletionReason,
    int Running,
    int Queued,
    bool Paused,
    int FailedAttempts,
    double? MedianSeconds,
    string StartedAt,
    bool Controls,
    IReadOnlyList<MemberView> Population,
    IReadOnlyList<RunningView> LongestRunning,
    IReadOnlyList<CacheView> Cache)
{
    /// <summary>The view of <paramref name="current"/>; <paramref name="controls"/>: this process can pause it and has a token.</summary>
    public static SearchView Of(string searchId, CurrentState current, bool controls, DateTimeOffset now)
    {
        var state = current.State;
        var s = SearchStatus.Of(searchId, state);
        var space = state.Space;
        var count = state.Population.Count;
        return new SearchView(
            searchId, current.LastSequenceNr, s.Evaluated, s.FinalFailures, s.Budget,
            s.Best is null ? null : new BestView(s.Best.Id, space.Format(s.Best.Genotype), s.Best.Objective),
            Math.Round(((state.CompletedAt ?? now) - s.StartedAt).TotalSeconds, 3),
            s.IsCompleted, s.CompletionReason, s.Running, s.Queued, s.Paused, s.FailedAttempts, s.MedianSeconds,
            s.StartedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture), controls,
            // oldest first in the state; age 0 is the youngest member (the next to be retired has the largest age)
            state.Population.Select((m, i) => new MemberView(m.Id, space.Format(m.Genotype), m.Objective, m.Node, count - 1 - i)).ToList(),
            (s.LongestRunning ?? []).Select(r => new RunningView(r.Id, r.Worker,
                r.StartedAt is { } at ? Math.Round((now - at).TotalSeconds, 3) : null)).ToList(),
            (state.CacheByNode ?? []).Select(n => new CacheView(n.Node, n.Evaluations, n.LayersRequested, n.LocalHits, n.RemoteHits,
                Math.Round(n.HitRatio, 6), n.BytesInCache, n.Evictions)).ToList());
    }
}

public sealed record BestView(long Id, string Genotype, double Objective);

/// <param name="Age">Members that joined the population after this one (0: the youngest).</param>
public sealed record MemberView(long Id, string Genotype, double Objective, string? Node, int Age);

public sealed record RunningView(long Id, string Worker, double? AgeSeconds);

public sealed record CacheView(string Node, int Evaluations, long LayersRequested, long LocalHits, long RemoteHits, double HitRatio, long BytesInCache,
    long Evictions);

/// <summary>An error the page shows as it is (an unknown search, an unreadable log: the same words as the command line).</summary>
public sealed record ErrorView(string Error);

/// <summary>A member of the cluster as the serving node sees it.</summary>
public sealed record ClusterMemberView(string Node, IReadOnlyList<string> Roles, string Status);

public sealed record ClusterMembersView(IReadOnlyList<ClusterMemberView> Members);

public sealed record SearchListView(string Where, IReadOnlyList<string> Searches);

public sealed record ControlView(string Action, SearchStatusView Status);

public sealed record SearchStatusView(int Evaluated, bool Paused, bool Completed, string? CompletionReason);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SearchView))]
[JsonSerializable(typeof(ErrorView))]
[JsonSerializable(typeof(SearchListView))]
[JsonSerializable(typeof(ControlView))]
[JsonSerializable(typeof(ClusterMembersView))]
internal sealed partial class WebJson : JsonSerializerContext
{
    /// <summary>Genotype strings keep their '+' and '|' as themselves (the page is served as UTF-8 JSON, not embedded in HTML).</summary>
    public static WebJson Relaxed { get; } = new(new System.Text.Json.JsonSerializerOptions
    {
        PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
