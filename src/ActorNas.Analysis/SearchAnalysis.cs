using ActorNas.Analysis.Caching;
using ActorNas.Core.Events;

namespace ActorNas.Analysis;

/// <summary>Everything the study computes for one search (sections 1 to 5; the layer trace is written as it is computed).</summary>
public sealed record SearchAnalysis(
    string SearchId,
    LogFold Fold,
    AnalysisSettings Options,
    QualityOverTime Quality,
    MutationLanding Mutations,
    DonorPopularity Donors,
    KGramPopularity Prefixes,
    WorkerActivity Workers,
    LayerReuse Reuse,
    CacheStudy Cache)
{
    public bool IsCompleted => Fold.Completed is not null;
    public int Candidates => Fold.Trace.Records.Count;
    public int Failed => Fold.Trace.CountWith(CandidateStatus.Failed);

    /// <param name="layerSink">Sees every layer request in order (the layer-request trace export), or null.</param>
    public static SearchAnalysis Compute(string searchId, LogFold fold, AnalysisSettings options, Action<LayerRequest>? layerSink = null)
    {
        options.Validate();
        if (fold.Started is null) throw new InvalidOperationException($"search {searchId} has no SearchStarted event");
        var space = fold.Space;
        var quality = QualityOverTime.Compute(fold.Evaluations, fold.PopulationMedian, options.LowQuantile, options.Thresholds, options.TimeBins);
        // looked up in the fold instead of copied into dictionaries: the records' genotypes are their proposals'
        var mutations = MutationLanding.Compute(space, fold.Proposals, fold.Evaluations,
            id => fold.ProposalsById[id].Genotype, fold.Trace.MetricsOf);
        var donors = DonorPopularity.Compute(fold.Proposals, fold.Evaluations, options.Window);
        var prefixes = KGramPopularity.Compute(fold.Proposals, options.KGram, options.Window);
        var tasks = fold.Tasks;
        var workers = WorkerActivity.Compute(tasks, options.Window);
        var requests = LayerReuse.RequestsOf(space, tasks, fold.ProposalsById, out var count);
        var reuse = LayerReuse.Compute(requests, count, layerSink);
        var cache = CacheStudy.Compute(fold, options.Window);
        return new SearchAnalysis(searchId, fold, options, quality, mutations, donors, prefixes, workers, reuse, cache);
    }
}
