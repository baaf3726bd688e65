using System.Globalization;
using System.Text;
using ActorNas.Core.Events;

namespace ActorNas.Analysis.Output;

/// <summary>
/// One row per candidate. Column names follow DeepHyper's results.csv where one exists (job_id, arch_seq, objective,
/// m:timestamp_*, seconds since the search started) so existing notebooks read it; the rest are ActorNas's own.
/// The evaluator's metrics follow as <c>metric:NAME</c> columns (every name any candidate reported, sorted).
/// </summary>
public static class CandidatesCsv
{
    public static readonly string[] Columns =
    [
        "job_id", "parent_id", "arch_seq", "genotype", "mutation_position", "mutation_from", "mutation_to", "objective",
        "status", "worker", "node", "attempts", "started_at", "finished_at",
        "m:timestamp_submit", "m:timestamp_start", "m:timestamp_end",
    ];

    public const string MetricPrefix = "metric:";

    /// <param name="extra">Further columns after the metrics (the analysis adds its own): names, and the cells of a record.</param>
    public static void Write(CandidateTrace trace, string path, (IReadOnlyList<string> Names, Func<CandidateRecord, IEnumerable<string>> Cells)? extra = null)
    {
        var start = trace.Started!.At;
        var space = trace.Started.Config.Space.Create();
        var metricNames = trace.Records.SelectMany(r => r.Metrics?.Keys ?? []).Distinct().Order(StringComparer.Ordinal).ToList();
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        writer.WriteLine(string.Join(',', Columns.Concat(metricNames.Select(n => Quote(MetricPrefix + n))).Concat(extra?.Names ?? [])));
        foreach (var r in trace.Records)
        {
            string[] cells =
            [
                Num(r.Id), r.ParentId is { } p ? Num(p) : "", Quote("[" + string.Join(", ", r.Genotype) + "]"), Quote(space.Format(r.Genotype)),
                r.Mutation is { } m ? Num(m.Position) : "", r.Mutation is { } m1 ? Num(m1.From) : "", r.Mutation is { } m2 ? Num(m2.To) : "",
                r.Objective is { } o ? o.ToString("R", CultureInfo.InvariantCulture) : "",
                r.Status.ToString().ToLowerInvariant(), Quote(r.Worker ?? ""), Quote(r.Node ?? ""), Num(r.Starts),
                r.StartedAt?.ToString("O", CultureInfo.InvariantCulture) ?? "", r.FinishedAt?.ToString("O", CultureInfo.InvariantCulture) ?? "",
                Seconds(r.ProposedAt - start), r.StartedAt is { } s ? Seconds(s - start) : "", r.FinishedAt is { } f ? Seconds(f - start) : "",
            ];
            var metrics = metricNames.Select(n => r.Metrics is { } ms && ms.TryGetValue(n, out var v) ? v.ToString("R", CultureInfo.InvariantCulture) : "");
            writer.WriteLine(string.Join(',', cells.Concat(metrics).Concat(extra?.Cells(r) ?? [])));
        }
    }

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);
    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("F6", CultureInfo.InvariantCulture);
    public static string Quote(string s) => s.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
}
