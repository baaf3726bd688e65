using System.Globalization;
using System.Text;
using ActorNas.Analysis.Caching;
using ActorNas.Core.Events;

namespace ActorNas.Analysis.Output;

/// <summary>Writes report.md: every figure, with the numbers behind it, section by section.</summary>
public static class Report
{
    public static void Write(SearchAnalysis a, IReadOnlyList<FigureFile> figures, IReadOnlyList<ScheduleSummary> comparison, string path, string source)
    {
        var sb = new StringBuilder();
        var config = a.Fold.Started!.Config;
        sb.AppendLine(CultureInfo.InvariantCulture, $"# Analysis of search `{a.SearchId}`").AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"- source: {source}");
        sb.Append(CultureInfo.InvariantCulture, $"- space `{config.Space.Name}`, evaluator `{config.Evaluator}`, P = {config.PopulationSize}, ")
            .Append(CultureInfo.InvariantCulture, $"S = {config.SampleSize}, budget {config.Budget}, {config.Mode.ToString().ToLowerInvariant()} scheduling, seed {config.Seed}");
        if (config.Screening.IsOn)
            sb.Append(CultureInfo.InvariantCulture, $", screening {config.Screening.Mutants} mutants by {ActorNas.Core.Evolution.ProxyModel.Name(config.Screening.Proxy)}");
        sb.AppendLine();
        var status = a.IsCompleted ? $"completed ({a.Fold.Completed!.Reason})" : "still running (or stopped) when read";
        sb.Append(CultureInfo.InvariantCulture, $"- status: {status}; {Md.I(a.Candidates)} candidates, {Md.I(a.Fold.Evaluations.Count)} evaluated, ")
            .AppendLine(CultureInfo.InvariantCulture, $"{Md.I(a.Failed)} failed, {Md.I(a.Fold.EventCount)} events, {Md.N(a.Fold.LastEventTime, 1)} s from the first event to the last");
        if (!a.Fold.Window.IsWhole)
            sb.AppendLine(CultureInfo.InvariantCulture, $"- analysis window: {a.Fold.Window.Describe()}; every figure and table below covers only them (their proposals, " +
                $"attempts and results), while the population median is the whole population's: the log was read from its first event to event " +
                $"{a.Fold.LastSequenceNr}, so a later analysis goes on with --from-seq {a.Fold.LastSequenceNr + 1}");
        sb.AppendLine("- times are seconds since the search started; `candidates.csv` / `candidates.parquet` hold one row per candidate, " +
                      "`layer-requests.csv` every layer request, `cache-study.csv` the cache study").AppendLine();

        Quality(sb, a, FiguresOf(figures, 1));
        if (a.Fold.FadeSteps.Count > 0) FadeSteps(sb, a);
        if (a.Fold.SpiderNetRounds.Count > 0) SpiderNetRounds(sb, a);
        Mutations(sb, a, FiguresOf(figures, 2));
        Donors(sb, a, FiguresOf(figures, 3));
        Distributed(sb, a, FiguresOf(figures, 4));
        Cache(sb, a, FiguresOf(figures, 5));
        if (comparison.Count >= 2) Compare(sb, comparison, FiguresOf(figures, 6));
        File.WriteAllText(path, sb.ToString(), new UTF8Encoding(false));
    }

    private static IEnumerable<FigureFile> FiguresOf(IReadOnlyList<FigureFile> figures, int section) => figures.Where(f => f.Section == section);

    private static void Figures(StringBuilder sb, IEnumerable<FigureFile> figures)
    {
        foreach (var f in figures) sb.AppendLine(CultureInfo.InvariantCulture, $"![{f.Title}]({f.FileName})").AppendLine();
    }

    private static void Quality(StringBuilder sb, SearchAnalysis a, IEnumerable<FigureFile> figures)
    {
        var q = a.Quality;
        sb.AppendLine("## 1. Quality over time").AppendLine();
        Figures(sb, figures);
        if (q.Objectives.Count == 0)
        {
            sb.AppendLine("No candidate has been evaluated yet.").AppendLine();
            return;
        }
        var best = q.RunningBest[^1];
        sb.AppendLine(CultureInfo.InvariantCulture, $"- best objective {Md.N(best.Value, 6)}, reached at {Md.N(q.RunningBest.First(p => p.Value >= best.Value).Time, 1)} s");
        if (q.PopulationMedian.Count > 0)
            sb.AppendLine(CultureInfo.InvariantCulture, $"- population median: {Md.N(q.PopulationMedian[0].Value, 6)} after the first result, {Md.N(q.PopulationMedian[^1].Value, 6)} at the end");
        var bins = q.LowQuality.Where(b => b.Evaluations > 0).ToList();
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"- low quality = below the {Md.N(q.LowQuantile, 2)} quantile of all results ({Md.N(q.LowThreshold, 6)}): " +
            $"{Md.Pct(bins[0].Share)} of the results in the first time bin, {Md.Pct(bins[^1].Share)} in the last").AppendLine();
        Md.Table(sb, ["threshold", "first reached (s)", "after evaluations"],
            q.Thresholds.Select(t => (IReadOnlyList<string>)[Md.N(t.Threshold, 6), Md.N(t.Time, 1), t.Evaluations?.ToString(CultureInfo.InvariantCulture) ?? "never"]));
        Md.Table(sb, ["time bin (s)", "results", "low quality", "share"],
            q.LowQuality.Select(b => (IReadOnlyList<string>)[$"{Md.N(b.Start, 1)} - {Md.N(b.End, 1)}", Md.I(b.Evaluations), Md.I(b.Low), Md.Pct(b.Share)]));
    }

    /// <summary>A FaDE search: each step's region and ranks, and the quality of the centres it moved through.</summary>
    private static void FadeSteps(StringBuilder sb, SearchAnalysis a)
    {
        const int Shown = 10;
        var steps = a.Fold.FadeSteps;
        var trace = a.Fold.Trace;
        sb.AppendLine("## FaDE steps").AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"- {Md.I(steps.Count)} steps, each a region supernet trained over the centre and its neighbours " +
            $"(on average {Md.N(steps.Average(s => s.Neighbours), 1)} neighbours, {Md.N(steps.Average(s => s.RegionArchitectures), 1)} architectures per region); " +
            $"every step is a row of `{AnalysisWriter.FadeStepsName}`");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- the centre scored above every neighbour in {Md.I(steps.Count(s => s.CentreRank == 1))} steps " +
            $"(the step moves to the best neighbour all the same)");
        var evaluated = steps.Where(s => trace.TryGet(s.Id, out var r) && r.Objective is not null).ToList();
        if (evaluated.Count > 0)
        {
            var better = evaluated.Count(s => trace.TryGet(s.ParentId, out var p) && p.Objective is { } po && trace.TryGet(s.Id, out var c) && c.Objective > po);
            sb.AppendLine(CultureInfo.InvariantCulture, $"- the new centre's objective beat the old one's in {Md.I(better)} of {Md.I(evaluated.Count)} evaluated steps");
        }
        sb.AppendLine();
        var rows = steps.Count <= 2 * Shown ? steps : [.. steps.Take(Shown), .. steps.TakeLast(Shown)];
        Md.Table(sb, ["step", "candidate", "region", "neighbours", "centre score", "chosen score", "centre rank", "old centre's objective", "new centre's objective"],
            rows.Select(s => (IReadOnlyList<string>)[Md.I(s.Step), Md.I(s.Id), string.Join(" x ", s.RegionSizes), Md.I(s.Neighbours), Md.N(s.CentreScore, 4),
                Md.N(s.ChosenScore, 4), Md.I(s.CentreRank), Objective(trace, s.ParentId), Objective(trace, s.Id)]));
    }

    /// <summary>A SpiderNet search: how the one network grew, was pruned and trained, round by round.</summary>
    private static void SpiderNetRounds(StringBuilder sb, SearchAnalysis a)
    {
        const int Shown = 10;
        var rounds = a.Fold.SpiderNetRounds;
        sb.AppendLine("## SpiderNet rounds").AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"- {Md.I(rounds.Count)} rounds, each the network grown from the one the round before left, trained " +
            $"from scratch and pruned; {Md.I(rounds.Sum(r => r.Splits ?? 0))} splits and {Md.I(rounds.Sum(r => r.PrunedOps))} ops pruned in all; " +
            $"every round is a row of `{AnalysisWriter.SpiderNetRoundsName}`");
        var first = rounds[0];
        var last = rounds[^1];
        sb.AppendLine(CultureInfo.InvariantCulture, $"- the network went from {Md.I(first.Nodes)} nodes and {Md.I(first.AliveOps)} live ops " +
            $"to {Md.I(last.Nodes)} nodes and {Md.I(last.AliveOps)} live ops; the memory column is the analytic estimate the growth's memory gate uses, not a measurement")
            .AppendLine();
        var rows = rounds.Count <= 2 * Shown ? rounds : [.. rounds.Take(Shown), .. rounds.TakeLast(Shown)];
        Md.Table(sb, ["round", "candidate", "nodes", "live ops", "splits", "ops pruned", "parameters", "memory estimate (MB)", "accuracy"],
            rows.Select(r => (IReadOnlyList<string>)[Md.I(r.Round), Md.I(r.Id), Md.I(r.Nodes), Md.I(r.AliveOps), r.Splits is { } s ? Md.I(s) : "-",
                Md.I(r.PrunedOps), r.Parameters is { } p ? Md.I((long)p) : "-", r.TrainingMbEstimate is { } m ? Md.N(m, 1) : "-", Md.N(r.Objective, 4)]));
    }

    private static string Objective(CandidateTrace trace, long id) =>
        trace.TryGet(id, out var r) && r.Objective is { } o ? Md.N(o, 4) : "-";

    private static void Mutations(StringBuilder sb, SearchAnalysis a, IEnumerable<FigureFile> figures)
    {
        var m = a.Mutations;
        sb.AppendLine("## 2. Where mutations land").AppendLine();
        Figures(sb, figures);
        var total = m.Positions.Sum();
        if (total == 0)
        {
            sb.AppendLine(a.Fold.SpiderNetRounds.Count > 0
                ? "No single-position mutation: a SpiderNet search changes its network by growth and pruning (SpiderNet rounds, above)."
                : "No mutation yet (every candidate so far is random).").AppendLine();
        }
        else
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"- {Md.I(total)} mutations; mean transferable prefix {Md.N(m.MeanPrefixLength, 2)} positions " +
                $"(positions before the change, whose layers a child can take from its parent)").AppendLine();
            Md.Table(sb, ["position", "all", .. MutationLanding.PhaseNames],
                Enumerable.Range(0, m.Positions.Count).Select(p => (IReadOnlyList<string>)
                    [p.ToString(CultureInfo.InvariantCulture), Md.I(m.Positions[p]), .. m.PositionsByPhase.Select(ph => Md.I(ph[p]))]));
            Md.Table(sb, ["transferable prefix length", "mutations", "share"],
                Enumerable.Range(0, m.PrefixLengths.Count).Where(k => m.PrefixLengths[k] > 0)
                    .Select(k => (IReadOnlyList<string>)[k.ToString(CultureInfo.InvariantCulture), Md.I(m.PrefixLengths[k]), Md.Pct((double)m.PrefixLengths[k] / total)]));
        }
        if (m.ModelSize.Count > 0)
        {
            var tenth = Math.Max(1, m.ModelSize.Count / 10);
            sb.AppendLine(CultureInfo.InvariantCulture, $"- model size ({m.SizeUnit}): mean {Md.N(m.ModelSize.Take(tenth).Average(p => p.Value), 4)} over the first tenth " +
                $"of the results, {Md.N(m.ModelSize.TakeLast(tenth).Average(p => p.Value), 4)} over the last tenth").AppendLine();
        }
    }

    private static void Donors(StringBuilder sb, SearchAnalysis a, IEnumerable<FigureFile> figures)
    {
        var d = a.Donors;
        sb.AppendLine("## 3. Donor popularity").AppendLine();
        Figures(sb, figures);
        if (d.Donors.Count == 0)
        {
            sb.AppendLine("No candidate has been a parent yet.").AppendLine();
            return;
        }
        sb.AppendLine(CultureInfo.InvariantCulture, $"- window W = {d.Window} proposals; {Md.I(d.Donors.Count)} donors gave {Md.I(d.ChildrenTotal)} children over {Md.I(d.Proposals)} proposals");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- tiering: the top 1 % of donors produced {Md.Pct(d.TopOnePercentShare)} of all children, the top 10 % {Md.Pct(d.TopTenPercentShare)}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- Spearman correlation of children with objective over all evaluated candidates: {Md.N(d.ChildrenVsObjectiveSpearman, 3)}").AppendLine();
        Md.Table(sb, ["donor", "children", "objective", "rank", "first child", "last child", "donor for (proposals)", "donor for (s)", "peak in window", "at proposal", "age at first child"],
            d.Donors.Take(15).Select(x => (IReadOnlyList<string>)
            [
                x.Id.ToString(CultureInfo.InvariantCulture), Md.I(x.Children), Md.N(x.Objective, 6), Md.I(x.ObjectiveRank), Md.I(x.FirstChild), Md.I(x.LastChild),
                Md.I(x.Span), Md.N(x.SpanSeconds, 1), Md.I(x.PeakWindowCount), Md.I(x.PeakIndex), Md.I(x.AgeAtFirstChild),
            ]));
        sb.AppendLine(CultureInfo.InvariantCulture, $"Genotype prefixes (first k positions, as values) most often proposed, over the search and in the last {a.Prefixes.Window} proposals:").AppendLine();
        Md.Table(sb, ["k", "prefix", "proposals", "in the last window"],
            a.Prefixes.Top.OrderBy(t => t.Key).SelectMany(t => t.Value.Select(p => (IReadOnlyList<string>)
                [t.Key.ToString(CultureInfo.InvariantCulture), $"`{p.Prefix}`", Md.I(p.Cumulative), Md.I(p.InLastWindow)])));
    }

    private static void Distributed(StringBuilder sb, SearchAnalysis a, IEnumerable<FigureFile> figures)
    {
        var w = a.Workers;
        sb.AppendLine("## 4. The distributed view").AppendLine();
        Figures(sb, figures);
        if (w.Workers.Count == 0)
        {
            sb.AppendLine("No task has started yet.").AppendLine();
            return;
        }
        var durations = w.Durations.ToArray();
        var recent = w.LastWindowDurations.ToArray();
        sb.AppendLine(CultureInfo.InvariantCulture, $"- {w.Workers.Count} workers, {Md.I(w.Timeline.Count)} tasks (attempts) from {Md.N(w.SpanStart, 1)} s to {Md.N(w.SpanEnd, 1)} s; " +
            $"overall utilisation {Md.N(w.Utilization, 3)}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- task duration: mean {Md.N(durations.Average(), 3)} s, median {Md.N(Quantiles.Of(durations.AsSpan(), 0.5), 3)} s, " +
            $"p90 {Md.N(Quantiles.Of(durations.AsSpan(), 0.9), 3)} s; over the last {recent.Length} tasks: mean {Md.N(recent.Average(), 3)} s, median {Md.N(Quantiles.Of(recent.AsSpan(), 0.5), 3)} s");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- first task per worker: mean {Md.N(w.MeanFirstTaskDuration, 3)} s; later tasks: mean {Md.N(w.MeanLaterTaskDuration, 3)} s");
        var medianGap = w.IdleGaps.Count > 0 ? $", median {Md.N(Quantiles.Median(w.IdleGaps), 3)} s" : "";
        sb.AppendLine(CultureInfo.InvariantCulture, $"- idle gaps between a worker's tasks: {Md.I(w.IdleGaps.Count)}, {Md.N(w.IdleGaps.Sum(), 1)} s in all{medianGap}").AppendLine();
        Md.Table(sb, ["worker", "node", "tasks", "busy (s)", "utilisation", "idle gaps", "idle (s)", "first task (s)", "later tasks, mean (s)"],
            w.Workers.Take(64).Select(x => (IReadOnlyList<string>)
            [
                $"`{x.Worker}`", $"`{x.Node}`", Md.I(x.Tasks), Md.N(x.Busy, 1), Md.N(x.Utilization, 3), Md.I(x.IdleGaps), Md.N(x.IdleGapTotal, 1),
                Md.N(x.FirstTaskDuration, 3), Md.N(x.MeanLaterTaskDuration, 3),
            ]));
        if (w.Workers.Count > 64) sb.AppendLine(CultureInfo.InvariantCulture, $"({w.Workers.Count - 64} more workers not listed)").AppendLine();

        var r = a.Reuse;
        sb.AppendLine("### Layer reuse (temporal locality across workers)").AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"- {Md.I(r.Requests)} layer requests (every layer of every started task, named by a hash of its position and the choices up to it); " +
            $"{Md.I(r.ColdRequests)} first requests, {Md.I(r.Distances.Count)} reuses, {Md.Pct(r.Distances.Count == 0 ? double.NaN : (double)r.SameWorkerReuses / r.Distances.Count)} of them on the same worker as the previous request");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- {Md.Pct(r.Requests == 0 ? double.NaN : (double)r.FromParentRequests / r.Requests)} of the requests are layers a child shares with its parent").AppendLine();
        Md.Table(sb, ["reuse distance (distinct layers since the previous request)", "reuses", "cumulative share"],
            Cumulative(r.Buckets(), r.Distances.Count));
    }

    private static IEnumerable<IReadOnlyList<string>> Cumulative(IReadOnlyList<(string Bucket, int Count)> buckets, int total)
    {
        var running = 0;
        foreach (var (bucket, count) in buckets)
        {
            running += count;
            yield return [bucket, Md.I(count), Md.Pct(total == 0 ? double.NaN : (double)running / total)];
        }
    }

    private static void Cache(StringBuilder sb, SearchAnalysis a, IEnumerable<FigureFile> figures)
    {
        var c = a.Cache;
        sb.AppendLine("## 5. Cache study").AppendLine();
        Figures(sb, figures);
        var intro = c.Payload == "checkpoint"
            ? string.Create(CultureInfo.InvariantCulture, $"This search's evaluator is a command, so its weight cache holds one checkpoint per candidate, not layers. " +
                $"The search's checkpoint requests replayed against each weight-cache policy: at every start the donor choice and a request for the parent's checkpoint, " +
                $"at every finish the candidate's checkpoint offered to the cache, in time order ({Md.I(c.Requests)} requests). " +
                $"Capacity is in checkpoints, as a share of all {Md.I(c.DistinctOffered)} stored checkpoints; every checkpoint counts as one whatever its size. " +
                $"`layer-requests.csv` still lists the layers of each model as the NB201 layer identities name them, which the script may or may not reuse. " +
                $"hit ratio = hits / requests; donor-popularity window W = {c.Window} donor choices. Belady (farthest next use) knows the future: " +
                $"it is the bound the online policies are measured against. `cache-study.csv` holds the numbers.")
            : string.Create(CultureInfo.InvariantCulture, $"The search's layer requests replayed against each weight-cache policy: at every start the donor choice (the parent) and a request " +
                $"for each layer of the model, at every finish the model's layers offered to the cache, in time order. The {Md.I(c.Requests)} requests are the rows of " +
                $"`layer-requests.csv` ({Md.I(a.Reuse.Requests)} rows: sequence, time, worker, node, candidate, parent, position, identity, from_parent). " +
                $"Capacity is in layers, as a share of all {Md.I(c.DistinctOffered)} stored layers (distinct layers offered over the search); " +
                $"hit ratio = hits / requests; donor-popularity window W = {c.Window} donor choices. Belady (farthest next use) knows the future: " +
                $"it is the bound the online policies are measured against. `cache-study.csv` holds the numbers.");
        sb.AppendLine(intro).AppendLine();
        if (c.Requests == 0 || c.DistinctOffered == 0)
        {
            sb.AppendLine($"Nothing to replay yet (no evaluation has finished, so no {c.Payload} was stored).").AppendLine();
            return;
        }
        Md.Table(sb, ["capacity", c.Payload + "s", .. CacheStudy.Policies.Select(p => $"{p} hit ratio")],
            c.Fractions.Select(f => (IReadOnlyList<string>)
                [Md.Pct(f), Md.I(c.Row(CacheStudy.Belady, f).Capacity), .. CacheStudy.Policies.Select(p => Md.N(c.Row(p, f).HitRatio, 4))]));
        Md.Table(sb, ["capacity", .. CacheStudy.OnlinePolicies.Select(p => $"{p} / belady")],
            c.Fractions.Select(f => (IReadOnlyList<string>)[Md.Pct(f), .. CacheStudy.OnlinePolicies.Select(p => Md.N(c.VsBelady(p, f), 3))]));
        var above = c.Fractions.SelectMany(f => CacheStudy.OnlinePolicies.Where(p => c.VsBelady(p, f) > 1).Select(p => $"{p} at {Md.Pct(f)}")).ToList();
        if (above.Count > 0)
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Above Belady: {string.Join(", ", above)}. A layer reaches the cache only when an evaluation holding it " +
                $"finishes, so after a miss it can come back late; then farthest-next-use is a bound, not the optimum (docs/analysis.md).")).AppendLine();
    }

    private static void Compare(StringBuilder sb, IReadOnlyList<ScheduleSummary> runs, IEnumerable<FigureFile> figures)
    {
        sb.AppendLine("## 6. Side by side").AppendLine();
        Figures(sb, figures);
        List<string> header = ["", .. runs.Select(r => $"`{r.SearchId}`")];
        var rows = new List<IReadOnlyList<string>>
        {
            (["mode", .. runs.Select(r => r.Mode)]),
            (["workers", .. runs.Select(r => Md.I(r.Workers))]),
            (["evaluated", .. runs.Select(r => Md.I(r.Evaluated))]),
            (["span (s)", .. runs.Select(r => Md.N(r.Span, 1))]),
            (["utilisation", .. runs.Select(r => Md.N(r.Utilization, 3))]),
            (["final best", .. runs.Select(r => Md.N(r.FinalBest, 6))]),
        };
        for (var t = 0; t < runs[0].TimeToThresholds.Count; t++)
        {
            var index = t;
            rows.Add([$"time to {Md.N(runs[0].TimeToThresholds[t].Threshold, 6)} (s)", .. runs.Select(r => Md.N(r.TimeToThresholds[index].Time, 1))]);
        }
        Md.Table(sb, header, rows);
    }
}
