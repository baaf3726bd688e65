using System.Globalization;
using ScottPlot;
using ActorNas.Analysis.Caching;
using ScottPlot.Plottables;

namespace ActorNas.Analysis.Output;

/// <summary>
/// The study's figures: one PNG per figure (<see cref="Width"/> x <see cref="Height"/> pixels), time axes in seconds
/// since the search started. Data too small to draw (an empty search, no mutations, no donors) still gives a valid
/// PNG whose title says "no data". Scatter plots and long lines above <see cref="MaxPoints"/> points show every k-th
/// point, and the worker timeline draws at most <see cref="MaxBars"/> bars on <see cref="MaxWorkers"/> rows; titles
/// say so, so a 100,000-candidate search renders in a few seconds.
/// </summary>
public static class Figures
{
    public const int Width = 900;
    public const int Height = 500;
    public const int MaxPoints = 20_000;
    public const int MaxBars = 20_000;
    public const int MaxWorkers = 64;
    public const string NoData = "no data";
    private const string TimeLabel = "time since the search started (s)";
    private const float TitleSize = 15;

    private static readonly Color ResultColor = Color.FromHex("#1f77b4").WithAlpha(0.35);
    private static readonly Color BestColor = Color.FromHex("#d62728");
    private static readonly Color MedianColor = Color.FromHex("#2ca02c");
    private static readonly Color[] SeriesColors =
        [.. Enumerable.Range(0, 10).Select(i => new ScottPlot.Palettes.Category10().GetColor(i))];

    public static Color OutcomeColor(TaskOutcome outcome) => outcome switch
    {
        TaskOutcome.Evaluated => Color.FromHex("#2ca02c"),
        TaskOutcome.Failed => Color.FromHex("#d62728"),
        TaskOutcome.Released => Color.FromHex("#ff7f0e"),
        TaskOutcome.Cancelled => Color.FromHex("#9467bd"),
        _ => Color.FromHex("#7f7f7f"),
    };

    /// <summary>Writes every figure into <paramref name="directory"/>; section 6 only when <paramref name="comparison"/> has two or more searches.</summary>
    public static IReadOnlyList<FigureFile> Write(SearchAnalysis analysis, string directory, IReadOnlyList<ScheduleSummary>? comparison = null)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        var jobs = new List<(string File, int Section, Func<Plot, string> Draw)>
        {
            ("quality-over-time.png", 1, p => QualityOverTime(p, analysis.Quality)),
            ("low-quality-share.png", 1, p => LowQualityShare(p, analysis.Quality)),
            ("mutation-positions.png", 2, p => MutationPositions(p, analysis.Mutations)),
            ("prefix-lengths.png", 2, p => PrefixLengths(p, analysis.Mutations)),
            ("model-size.png", 2, p => ModelSize(p, analysis.Mutations)),
            ("donor-popularity.png", 3, p => DonorPopularity(p, analysis.Donors)),
            ("donor-tiering.png", 3, p => DonorTiering(p, analysis.Donors)),
            ("worker-timeline.png", 4, p => WorkerTimeline(p, analysis.Workers)),
            ("task-durations.png", 4, p => TaskDurations(p, analysis.Workers)),
            ("reuse-distance.png", 4, p => ReuseDistance(p, analysis.Reuse)),
            ("cache-hit-ratio.png", 5, p => CacheHitRatio(p, analysis.Cache)),
        };
        if (comparison is { Count: >= 2 }) jobs.Add(("compare-running-best.png", 6, p => CompareRunningBest(p, comparison)));

        // one after the other: with the thinning above, all of them take well under a second for 100,000 candidates
        return jobs.Select(job => Render(directory, job.File, job.Section, job.Draw)).ToList();
    }

    private static FigureFile Render(string directory, string file, int section, Func<Plot, string> draw)
    {
        using var plot = new Plot();
        var title = draw(plot);
        plot.Title(title, TitleSize);
        plot.Axes.Title.Label.Bold = true;
        plot.SavePng(Path.Combine(directory, file), Width, Height);
        return new FigureFile(file, title, section);
    }

    // ---- section 1 ----

    private static string QualityOverTime(Plot plot, QualityOverTime quality)
    {
        Labels(plot, TimeLabel, "objective");
        const string title = "Quality over time";
        var results = Finite(quality.Objectives);
        if (results.Count == 0) return Empty(plot, title);

        var (xs, ys, step) = Thin(results, MaxPoints);
        var dots = plot.Add.ScatterPoints(xs, ys, ResultColor);
        dots.MarkerSize = 4;
        dots.LegendText = step > 1 ? Invariant($"result (every {Ordinal(step)})") : "result";

        var best = ChangePoints(Finite(quality.RunningBest));
        var bestLine = plot.Add.ScatterLine(best.Select(p => p.Time).ToArray(), best.Select(p => p.Value).ToArray(), BestColor);
        bestLine.ConnectStyle = ConnectStyle.StepHorizontal;
        bestLine.LineWidth = 2.5f;
        bestLine.LegendText = "running best";

        var median = Finite(quality.PopulationMedian);
        var medianStep = 1;
        if (median.Count > 0)
        {
            (var mx, var my, medianStep) = Thin(median, MaxPoints);
            var line = plot.Add.ScatterLine(mx, my, MedianColor);
            line.LineWidth = 2;
            line.LegendText = "population median";
        }
        plot.ShowLegend(Alignment.LowerRight);
        var thinned = Math.Max(step, medianStep);
        return Invariant($"Quality over time: {results.Count:N0} results, best {best[^1].Value:G4}")
            + (thinned > 1 ? Invariant($" (every {Ordinal(thinned)} point drawn)") : "");
    }

    private static string LowQualityShare(Plot plot, QualityOverTime quality)
    {
        Labels(plot, TimeLabel, "share of the bin's results");
        var title = Invariant($"Share of results below the {quality.LowQuantile:0.###} quantile (objective < {quality.LowThreshold:G4}) per time bin");
        var bins = quality.LowQuality.Where(b => b.Evaluations > 0).ToList();
        if (bins.Count == 0) return Empty(plot, Invariant($"Share of results below the {quality.LowQuantile:0.###} quantile per time bin"));

        var bars = bins.Select(b => new Bar
        {
            Position = (b.Start + b.End) / 2,
            Value = b.Share,
            Size = b.End > b.Start ? 0.9 * (b.End - b.Start) : 1,
            FillColor = SeriesColors[0],
            LineWidth = 0,
        }).ToList();
        plot.Add.Bars(bars);
        plot.Axes.AutoScale();
        plot.Axes.SetLimitsY(0, 1.05);
        return title;
    }

    // ---- section 2 ----

    private static string MutationPositions(Plot plot, MutationLanding mutations)
    {
        Labels(plot, "genotype position (index)", "mutations (count)");
        const string title = "Where mutations land: positions overall and per third of the search";
        var length = mutations.Positions.Count;
        if (length == 0 || mutations.Positions.Sum() == 0) return Empty(plot, "Where mutations land (no mutations)");

        var series = new List<(string Name, IReadOnlyList<int> Counts)> { ("overall", mutations.Positions) };
        for (var phase = 0; phase < mutations.PositionsByPhase.Count && phase < MutationLanding.PhaseNames.Length; phase++)
            series.Add((MutationLanding.PhaseNames[phase], mutations.PositionsByPhase[phase]));
        var width = 0.8 / series.Count;
        for (var s = 0; s < series.Count; s++)
        {
            var offset = (s - (series.Count - 1) / 2.0) * width;
            var color = SeriesColors[s % SeriesColors.Length];
            var bars = series[s].Counts.Select((count, position) => new Bar
            {
                Position = position + offset, Value = count, Size = width * 0.95, FillColor = color, LineWidth = 0,
            }).ToList();
            var plottable = plot.Add.Bars(bars);
            plottable.LegendText = series[s].Name;
            plottable.Color = color;
        }
        CategoryTicks(plot.Axes.Bottom, Enumerable.Range(0, length).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList());
        plot.Axes.Margins(bottom: 0, top: 0.3);
        plot.ShowLegend(Alignment.UpperRight);
        return Invariant($"{title} ({mutations.Positions.Sum():N0} mutations)");
    }

    private static string PrefixLengths(Plot plot, MutationLanding mutations)
    {
        Labels(plot, "transferable prefix length (positions)", "mutations (count)");
        var counts = mutations.PrefixLengths;
        if (counts.Count == 0 || counts.Sum() == 0) return Empty(plot, "Transferable prefix length of mutations (no mutations)");

        plot.Add.Bars(counts.Select((count, length) => new Bar
        {
            Position = length, Value = count, Size = 0.8, FillColor = SeriesColors[0], LineWidth = 0,
        }).ToList());
        CategoryTicks(plot.Axes.Bottom, Enumerable.Range(0, counts.Count).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList());
        plot.Axes.Margins(bottom: 0);
        return Invariant($"Transferable prefix length of {counts.Sum():N0} mutations (mean {mutations.MeanPrefixLength:0.##} positions)");
    }

    private static string ModelSize(Plot plot, MutationLanding mutations)
    {
        Labels(plot, TimeLabel, mutations.SizeUnit);
        const string title = "Model size of evaluated candidates over time";
        var sizes = Finite(mutations.ModelSize);
        if (sizes.Count == 0) return Empty(plot, title);

        var (xs, ys, step) = Thin(sizes, MaxPoints);
        var dots = plot.Add.ScatterPoints(xs, ys, SeriesColors[4].WithAlpha(0.4));
        dots.MarkerSize = 4;
        return Invariant($"{title} ({sizes.Count:N0} candidates") + (step > 1 ? Invariant($", every {Ordinal(step)} point drawn)") : ")");
    }

    // ---- section 3 ----

    private static string DonorPopularity(Plot plot, DonorPopularity donors)
    {
        Labels(plot, "proposal index", Invariant($"children in the last {donors.Window} proposals"));
        const string title = "Popularity of the top donors";
        var series = donors.TopSeries.Where(s => s.WindowCounts.Count > 0).ToList();
        if (series.Count == 0 || donors.ChildrenTotal == 0) return Empty(plot, title + " (no donors)");

        var step = 1;
        for (var i = 0; i < series.Count; i++)
        {
            var counts = series[i].WindowCounts;
            var points = counts.Select((c, index) => new SeriesPoint(index, c)).ToList();
            (var xs, var ys, step) = Thin(points, MaxPoints);
            var line = plot.Add.ScatterLine(xs, ys, SeriesColors[i % SeriesColors.Length]);
            line.LineWidth = 1.5f;
            line.LegendText = Invariant($"candidate {series[i].Id}");
        }
        plot.Axes.Margins(bottom: 0, top: 0.25);
        plot.ShowLegend(Alignment.UpperRight);
        return Invariant($"{title}: children in a sliding window of {donors.Window} proposals")
            + Shown(step);
    }

    private static string DonorTiering(Plot plot, DonorPopularity donors)
    {
        Labels(plot, "fraction of donors, most children first", "cumulative share of all children");
        var list = donors.Donors;
        var total = list.Sum(d => (long)d.Children);
        if (list.Count == 0 || total == 0) return Empty(plot, "Donor tiering (no donors)");

        var curve = new List<SeriesPoint>(list.Count + 1) { new(0, 0) };
        long running = 0;
        for (var i = 0; i < list.Count; i++)
        {
            running += list[i].Children;
            curve.Add(new SeriesPoint((i + 1.0) / list.Count, (double)running / total));
        }
        var (xs, ys, _) = Thin(curve, MaxPoints);
        var line = plot.Add.ScatterLine(xs, ys, SeriesColors[0]);
        line.LineWidth = 2.5f;
        line.LegendText = "donors ranked by children";
        var equal = plot.Add.Line(0, 0, 1, 1);
        equal.LineColor = Colors.Gray;
        equal.LinePattern = LinePattern.Dashed;
        equal.LegendText = "equal shares";

        foreach (var (fraction, share, name, color) in new[]
                 {
                     (0.01, donors.TopOnePercentShare, "top 1%", BestColor),
                     (0.10, donors.TopTenPercentShare, "top 10%", SeriesColors[1]),
                 })
        {
            if (!double.IsFinite(share)) continue;
            var x = Math.Max(1, (int)Math.Ceiling(fraction * list.Count)) / (double)list.Count;
            var marker = plot.Add.Marker(x, share, MarkerShape.FilledCircle, 10, color);
            marker.LegendText = Invariant($"{name}: {Percent(share)} of children");
        }
        plot.Axes.SetLimits(0, 1, 0, 1.02);
        plot.ShowLegend(Alignment.LowerRight);
        return Invariant($"Donor tiering: top 1% of {list.Count:N0} donors have {Percent(donors.TopOnePercentShare)}, top 10% have {Percent(donors.TopTenPercentShare)} of {total:N0} children");
    }

    // ---- section 4 ----

    private static string WorkerTimeline(Plot plot, WorkerActivity activity)
    {
        Labels(plot, TimeLabel, "worker");
        const string title = "Worker timeline";
        var timeline = activity.Timeline;
        if (timeline.Count == 0) return Empty(plot, title);

        var workers = timeline.Select(t => t.Worker).Distinct().Order(NaturalComparer.Instance).ToList();
        var shown = workers.Take(MaxWorkers).ToList();
        var row = shown.Select((w, i) => (w, i)).ToDictionary(x => x.w, x => x.i);
        // the timeline is in start order: the earliest tasks of the shown workers
        var onShown = timeline.Where(t => row.ContainsKey(t.Worker)).ToList();
        var drawn = onShown.Take(MaxBars).ToList();
        // an instant attempt (a failure thrown at once) still shows, as a bar of about one pixel
        var minWidth = drawn.Count == 0 ? 0 : (drawn.Max(t => t.End) - drawn.Min(t => t.Start)) / (Width - 100);
        foreach (var outcome in Enum.GetValues<TaskOutcome>())
        {
            var color = OutcomeColor(outcome);
            var bars = drawn.Where(t => t.Outcome == outcome).Select(t => new Bar
            {
                Position = row[t.Worker], ValueBase = t.Start, Value = Math.Max(t.End, t.Start + minWidth), Size = 0.8, FillColor = color, LineWidth = 0,
                Orientation = Orientation.Horizontal,
            }).ToList();
            if (bars.Count == 0) continue;
            var plottable = plot.Add.Bars(bars);
            plottable.Horizontal = true;
            plottable.Color = color;
            plottable.LegendText = Invariant($"{outcome.ToString().ToLowerInvariant()} ({bars.Count:N0})");
        }
        var labelEvery = Math.Max(1, (int)Math.Ceiling(shown.Count / 24.0));
        plot.Axes.Left.SetTicks(
            Enumerable.Range(0, shown.Count).Where(i => i % labelEvery == 0).Select(i => (double)i).ToArray(),
            shown.Where((_, i) => i % labelEvery == 0).ToArray());
        plot.Axes.AutoScale();
        plot.Axes.SetLimitsY(-0.6, shown.Count - 0.4);
        plot.Legend.Orientation = Orientation.Horizontal;
        plot.ShowLegend(Edge.Bottom);

        var text = Invariant($"{title}: {timeline.Count:N0} tasks on {workers.Count:N0} workers");
        if (drawn.Count < onShown.Count) text += Invariant($" (earliest {drawn.Count:N0} bars drawn)");
        if (shown.Count < workers.Count) text += Invariant($" ({shown.Count} of {workers.Count:N0} workers shown)");
        return text;
    }

    private static string TaskDurations(Plot plot, WorkerActivity activity)
    {
        Labels(plot, "task duration (s)", "share of the tasks");
        const string title = "Task durations";
        var all = activity.Durations.Where(double.IsFinite).ToList();
        var last = activity.LastWindowDurations.Where(double.IsFinite).ToList();
        if (all.Count == 0) return Empty(plot, title);

        var histogram = Histogram.EqualWidth(all, Math.Clamp((int)Math.Sqrt(all.Count), 1, 40));
        var edges = histogram.Edges;
        var bins = histogram.Counts.Count;
        var lastCounts = new int[bins];
        foreach (var d in last)
        {
            var bin = edges[^1] > edges[0] ? (int)((d - edges[0]) / (edges[^1] - edges[0]) * bins) : 0;
            lastCounts[Math.Clamp(bin, 0, bins - 1)]++;
        }
        var width = edges[1] - edges[0];
        void Add(IReadOnlyList<int> counts, int total, double offset, Color color, string legend)
        {
            var bars = counts.Select((c, i) => new Bar
            {
                Position = edges[i] + width / 2 + offset * width, Value = total == 0 ? 0 : (double)c / total, Size = 0.45 * width,
                FillColor = color, LineWidth = 0,
            }).ToList();
            var plottable = plot.Add.Bars(bars);
            plottable.Color = color;
            plottable.LegendText = legend;
        }
        Add(histogram.Counts, all.Count, -0.24, SeriesColors[0], Invariant($"all {all.Count:N0} tasks"));
        if (last.Count > 0) Add(lastCounts, last.Count, 0.24, SeriesColors[1], Invariant($"last {last.Count:N0} tasks"));
        plot.Axes.Margins(bottom: 0, top: 0.2);
        plot.ShowLegend(Alignment.UpperRight);
        return Invariant($"{title}: mean {all.Average():G4} s over all tasks")
            + (last.Count > 0 ? Invariant($", {last.Average():G4} s over the last {last.Count:N0}") : "");
    }

    private static string ReuseDistance(Plot plot, LayerReuse reuse)
    {
        Labels(plot, "reuse distance (distinct layers requested in between)", "layer requests (count)");
        var title = Invariant($"Layer reuse distances: {reuse.Requests:N0} requests, {reuse.ColdRequests:N0} cold (first request)");
        var buckets = reuse.Buckets();
        if (buckets.Count == 0) return Empty(plot, title);

        plot.Add.Bars(buckets.Select((b, i) => new Bar
        {
            Position = i, Value = b.Count, Size = 0.8, FillColor = SeriesColors[2], LineWidth = 0,
        }).ToList());
        CategoryTicks(plot.Axes.Bottom, buckets.Select(b => b.Bucket).ToList());
        plot.Axes.Margins(bottom: 0);
        return title;
    }

    // ---- section 5 ----

    private static string CacheHitRatio(Plot plot, CacheStudy study)
    {
        Labels(plot, $"capacity (% of all stored {study.Payload}s)", "hit ratio (hits / requests)");
        var title = Invariant($"Cache hit ratio vs capacity: {study.Requests:N0} {study.Payload} requests, {study.DistinctOffered:N0} stored {study.Payload}s");
        if (study.Requests == 0 || study.DistinctOffered == 0) return Empty(plot, title);

        var xs = study.Fractions.Select(f => 100 * f).ToArray();
        var policies = CacheStudy.Policies;
        for (var i = 0; i < policies.Count; i++)
        {
            var policy = policies[i];
            var line = plot.Add.Scatter(xs, study.Fractions.Select(f => study.Row(policy, f).HitRatio).ToArray(), SeriesColors[i % SeriesColors.Length]);
            line.LegendText = policy == CacheStudy.Belady ? "belady (offline bound)" : policy;
            line.LineWidth = 2;
            line.MarkerSize = 7;
            if (policy == CacheStudy.Belady) line.LinePattern = LinePattern.Dashed;
        }
        plot.Axes.SetLimitsY(0, 1.05);
        plot.ShowLegend(Alignment.LowerRight);
        return title;
    }

    // ---- section 6 ----

    private static string CompareRunningBest(Plot plot, IReadOnlyList<ScheduleSummary> comparison)
    {
        Labels(plot, TimeLabel, "running best objective");
        var title = Invariant($"Running best over time: {comparison.Count} searches");
        var drawn = 0;
        for (var i = 0; i < comparison.Count; i++)
        {
            var s = comparison[i];
            var best = ChangePoints(Finite(s.RunningBest));
            if (best.Count == 0) continue;
            var line = plot.Add.ScatterLine(best.Select(p => p.Time).ToArray(), best.Select(p => p.Value).ToArray(),
                SeriesColors[i % SeriesColors.Length]);
            line.ConnectStyle = ConnectStyle.StepHorizontal;
            line.LineWidth = 2;
            line.LegendText = Invariant($"{s.SearchId} ({s.Mode}, {s.Workers} workers)");
            drawn++;
        }
        if (drawn == 0) return Empty(plot, title);
        plot.ShowLegend(Alignment.LowerRight);
        return title;
    }

    // ---- helpers ----

    private static void Labels(Plot plot, string x, string y)
    {
        plot.XLabel(x, 14);
        plot.YLabel(y, 14);
    }

    private static string Empty(Plot plot, string title)
    {
        var note = plot.Add.Annotation(NoData, Alignment.MiddleCenter);
        note.LabelFontSize = 20;
        note.LabelBackgroundColor = Colors.White;
        note.LabelBorderColor = Colors.Gray;
        note.LabelShadowColor = Colors.Transparent;
        return title + ": " + NoData;
    }

    private static List<SeriesPoint> Finite(IReadOnlyList<SeriesPoint> points) =>
        points.Where(p => double.IsFinite(p.Time) && double.IsFinite(p.Value)).ToList();

    /// <summary>Every k-th point (k = ceiling of count over max), the last point always included.</summary>
    internal static (double[] Xs, double[] Ys, int Step) Thin(IReadOnlyList<SeriesPoint> points, int max)
    {
        var step = points.Count <= max ? 1 : (points.Count + max - 1) / max;
        var count = (points.Count + step - 1) / step;
        var lastIncluded = points.Count == 0 || (points.Count - 1) % step == 0;
        var xs = new double[count + (lastIncluded ? 0 : 1)];
        var ys = new double[xs.Length];
        for (var i = 0; i < count; i++)
        {
            xs[i] = points[i * step].Time;
            ys[i] = points[i * step].Value;
        }
        if (!lastIncluded)
        {
            xs[^1] = points[^1].Time;
            ys[^1] = points[^1].Value;
        }
        return (xs, ys, step);
    }

    /// <summary>A step series reduced to the points where its value changes, plus its last point: the same staircase.</summary>
    internal static List<SeriesPoint> ChangePoints(IReadOnlyList<SeriesPoint> points)
    {
        var kept = new List<SeriesPoint>();
        for (var i = 0; i < points.Count; i++)
            if (i == 0 || i == points.Count - 1 || points[i].Value != points[i - 1].Value) kept.Add(points[i]);
        return kept;
    }

    private static void CategoryTicks(IAxis axis, IReadOnlyList<string> labels)
    {
        var every = Math.Max(1, (int)Math.Ceiling(labels.Count / 30.0));
        var positions = Enumerable.Range(0, labels.Count).Where(i => i % every == 0).ToList();
        axis.SetTicks(positions.Select(i => (double)i).ToArray(), positions.Select(i => labels[i]).ToArray());
    }

    private static string Shown(int step) => step > 1 ? Invariant($" (every {Ordinal(step)} point drawn)") : "";

    private static string Ordinal(int n) => (n % 100) switch
    {
        11 or 12 or 13 => Invariant($"{n}th"),
        _ => (n % 10) switch { 1 => Invariant($"{n}st"), 2 => Invariant($"{n}nd"), 3 => Invariant($"{n}rd"), _ => Invariant($"{n}th") },
    };

    private static string Percent(double share) =>
        double.IsFinite(share) ? (100 * share).ToString("0.#", CultureInfo.InvariantCulture) + "%" : "n/a";

    private static string Invariant(FormattableString s) => FormattableString.Invariant(s);

    /// <summary>Orders "sim-worker-2" before "sim-worker-10": text before a trailing number, then the number.</summary>
    private sealed class NaturalComparer : IComparer<string>
    {
        public static readonly NaturalComparer Instance = new();

        public int Compare(string? x, string? y)
        {
            if (x is null || y is null) return string.CompareOrdinal(x, y);
            var (px, nx) = Split(x);
            var (py, ny) = Split(y);
            var c = string.CompareOrdinal(px, py);
            if (c != 0) return c;
            c = nx.CompareTo(ny);
            return c != 0 ? c : string.CompareOrdinal(x, y);
        }

        private static (string Prefix, decimal Number) Split(string s)
        {
            var i = s.Length;
            while (i > 0 && char.IsAsciiDigit(s[i - 1])) i--;
            return i == s.Length || s.Length - i > 28
                ? (s, -1)
                : (s[..i], decimal.Parse(s.AsSpan(i), NumberStyles.None, CultureInfo.InvariantCulture));
        }
    }
}
