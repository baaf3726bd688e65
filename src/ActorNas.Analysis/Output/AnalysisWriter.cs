using System.Globalization;
using System.Text;
using ActorNas.Core.Events;

namespace ActorNas.Analysis.Output;

/// <summary>What `actornas analyze` wrote.</summary>
public sealed record AnalysisOutputs(SearchAnalysis Analysis, string Directory, IReadOnlyList<string> Files);

/// <summary>Computes the analysis of a folded log and writes every output into one folder.</summary>
public static class AnalysisWriter
{
    public const string CandidatesCsvName = "candidates.csv";
    public const string CandidatesParquetName = "candidates.parquet";
    public const string LayerRequestsName = "layer-requests.csv";
    public const string ReportName = "report.md";
    public const string CacheStudyName = "cache-study.csv";
    public const string FadeStepsName = "fade-steps.csv";
    public const string SpiderNetRoundsName = "spidernet-rounds.csv";

    public static readonly string[] ExtraCandidateColumns = ["proposal_index", "prefix_length", "children", "transferred_layers", "cache_hit"];

    /// <param name="others">Further searches to set beside this one (section 6), already folded.</param>
    /// <param name="source">Where the log came from, for the report's header.</param>
    public static async Task<AnalysisOutputs> WriteAsync(string searchId, LogFold fold, AnalysisSettings options, string directory,
        IReadOnlyList<(string SearchId, LogFold Fold)> others, string source)
    {
        Directory.CreateDirectory(directory);
        var files = new List<string>();

        SearchAnalysis analysis;
        var layerPath = Path.Combine(directory, LayerRequestsName);
        await using (var layers = new StreamWriter(layerPath, append: false, new UTF8Encoding(false)))
        {
            layers.WriteLine("sequence,time,worker,node,candidate,parent,position,identity,from_parent");
            analysis = SearchAnalysis.Compute(searchId, fold, options, r => layers.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Sequence},{r.Time:F6},{CandidatesCsv.Quote(r.Worker)},{CandidatesCsv.Quote(r.Node)},{r.CandidateId},{r.ParentId},{r.Position},{r.Identity:x16},{(r.FromParent ? 1 : 0)}")));
        }
        files.Add(layerPath);

        var csv = Path.Combine(directory, CandidatesCsvName);
        var children = analysis.Donors.Donors.ToDictionary(d => d.Id, d => d.Children);
        var proposals = fold.ProposalsById;
        var space = fold.Space;
        CandidatesCsv.Write(fold.Trace, csv, (ExtraCandidateColumns, r =>
        [
            proposals.TryGetValue(r.Id, out var p) ? p.Index.ToString(CultureInfo.InvariantCulture) : "",
            r.Mutation is { } m ? space.TransferablePrefixLength(m.Position).ToString(CultureInfo.InvariantCulture) : "",
            children.GetValueOrDefault(r.Id).ToString(CultureInfo.InvariantCulture),
            r.TransferredLayers.ToString(CultureInfo.InvariantCulture),
            r.CacheHit is { } hit ? (hit ? "true" : "false") : "",
        ]));
        files.Add(csv);

        var parquet = Path.Combine(directory, CandidatesParquetName);
        await CandidatesParquet.WriteAsync(analysis, parquet).ConfigureAwait(false);
        files.Add(parquet);

        var comparison = new List<ScheduleSummary>();
        if (others.Count > 0)
        {
            var thresholds = analysis.Quality.Thresholds.Select(t => t.Threshold).ToList();
            comparison.Add(ScheduleSummary.Of(searchId, fold, analysis.Workers, thresholds));
            foreach (var (otherId, otherFold) in others)
                comparison.Add(ScheduleSummary.Of(otherId, otherFold, WorkerActivity.Compute(otherFold.Tasks, options.Window), thresholds));
        }

        if (fold.FadeSteps.Count > 0)
        {
            var fadeSteps = Path.Combine(directory, FadeStepsName);
            FadeStepsCsv.Write(fold.FadeSteps, fold.Trace, fadeSteps);
            files.Add(fadeSteps);
        }

        if (fold.SpiderNetRounds.Count > 0)
        {
            var rounds = Path.Combine(directory, SpiderNetRoundsName);
            SpiderNetRoundsCsv.Write(fold.SpiderNetRounds, rounds);
            files.Add(rounds);
        }

        var cacheStudy = Path.Combine(directory, CacheStudyName);
        CacheStudyCsv.Write(analysis.Cache, cacheStudy);
        files.Add(cacheStudy);

        var figures = Figures.Write(analysis, directory, comparison);
        files.AddRange(figures.Select(f => Path.Combine(directory, f.FileName)));

        var report = Path.Combine(directory, ReportName);
        Report.Write(analysis, figures, comparison, report, source);
        files.Add(report);
        return new AnalysisOutputs(analysis, directory, files);
    }
}
