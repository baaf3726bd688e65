namespace ActorNas.Analysis;

/// <summary>One parent's career as a donor. Indices are positions in the proposal sequence.</summary>
/// <param name="ObjectiveRank">1 = best objective of all evaluated candidates.</param>
/// <param name="AgeAtFirstChild">Proposals between the donor's own proposal and its first child's.</param>
public sealed record Donor(
    long Id, int Children, int FirstChild, int LastChild, double FirstChildTime, double LastChildTime,
    int PeakWindowCount, int PeakIndex, double Objective, int ObjectiveRank, int AgeAtFirstChild)
{
    /// <summary>Proposals from the first child to the last: how long it stayed a donor.</summary>
    public int Span => LastChild - FirstChild;
    public double SpanSeconds => LastChildTime - FirstChildTime;
}

/// <summary>Children per donor within the sliding window, after each proposal, for the most popular donors.</summary>
public sealed record DonorSeries(long Id, IReadOnlyList<int> WindowCounts);

/// <summary>
/// Section 3: donor popularity. For every parent, its children among the last <see cref="Window"/> proposals (the
/// window slides one proposal at a time), when it rises and falls, how long it stays a donor and how that relates to
/// its objective rank and age; the tiering (share of all children from the top 1 % and 10 % of donors).
/// </summary>
public sealed record DonorPopularity(
    int Window,
    int Proposals,
    int ChildrenTotal,
    IReadOnlyList<Donor> Donors,
    double TopOnePercentShare,
    double TopTenPercentShare,
    double ChildrenVsObjectiveSpearman,
    IReadOnlyList<DonorSeries> TopSeries)
{
    public static DonorPopularity Compute(IReadOnlyList<Proposal> proposals, IReadOnlyList<Evaluation> evaluations, int window, int seriesCount = 5)
    {
        if (window < 1) throw new ArgumentOutOfRangeException(nameof(window), "the donor window must be at least one proposal");
        var inWindow = new Dictionary<long, int>();
        var peak = new Dictionary<long, (int Count, int Index)>();
        var first = new Dictionary<long, (int Index, double Time)>();
        var last = new Dictionary<long, (int Index, double Time)>();
        var children = new Dictionary<long, int>();
        var proposedAt = proposals.ToDictionary(p => p.Id, p => p.Index);

        for (var i = 0; i < proposals.Count; i++)
        {
            if (i >= window && proposals[i - window].ParentId is { } leaving) inWindow[leaving]--;
            if (proposals[i].ParentId is not { } parent) continue;
            inWindow[parent] = inWindow.GetValueOrDefault(parent) + 1;
            children[parent] = children.GetValueOrDefault(parent) + 1;
            first.TryAdd(parent, (i, proposals[i].At));
            last[parent] = (i, proposals[i].At);
            if (inWindow[parent] > peak.GetValueOrDefault(parent).Count) peak[parent] = (inWindow[parent], i);
        }

        var objectives = evaluations.ToDictionary(e => e.Id, e => e.Objective);
        var rankOf = evaluations.OrderByDescending(e => e.Objective).ThenBy(e => e.Id)
            .Select((e, rank) => (e.Id, Rank: rank + 1)).ToDictionary(x => x.Id, x => x.Rank);
        var donors = children.Keys
            .Select(id => new Donor(id, children[id], first[id].Index, last[id].Index, first[id].Time, last[id].Time,
                peak[id].Count, peak[id].Index, objectives.GetValueOrDefault(id, double.NaN), rankOf.GetValueOrDefault(id),
                proposedAt.TryGetValue(id, out var own) ? first[id].Index - own : -1))
            .OrderByDescending(d => d.Children).ThenBy(d => d.Id)
            .ToList();

        var total = donors.Sum(d => d.Children);
        double Share(double fraction)
        {
            if (total == 0) return double.NaN;
            var top = Math.Max(1, (int)Math.Ceiling(fraction * donors.Count));
            return (double)donors.Take(top).Sum(d => d.Children) / total;
        }

        // every evaluated candidate, donor or not: does a better objective mean more children?
        var counts = evaluations.Select(e => (double)children.GetValueOrDefault(e.Id)).ToList();
        var spearman = Quantiles.Spearman(counts, evaluations.Select(e => e.Objective).ToList());

        return new DonorPopularity(window, proposals.Count, total, donors, Share(0.01), Share(0.10), spearman,
            Series(proposals, donors.Take(seriesCount).Select(d => d.Id).ToList(), window));
    }

    /// <summary>The window count of each chosen donor after every proposal.</summary>
    public static IReadOnlyList<DonorSeries> Series(IReadOnlyList<Proposal> proposals, IReadOnlyList<long> donors, int window)
    {
        var series = donors.ToDictionary(d => d, _ => new int[proposals.Count]);
        var inWindow = donors.ToDictionary(d => d, _ => 0);
        for (var i = 0; i < proposals.Count; i++)
        {
            if (i >= window && proposals[i - window].ParentId is { } leaving && inWindow.ContainsKey(leaving)) inWindow[leaving]--;
            if (proposals[i].ParentId is { } parent && inWindow.ContainsKey(parent)) inWindow[parent]++;
            foreach (var d in donors) series[d][i] = inWindow[d];
        }
        return donors.Select(d => new DonorSeries(d, series[d])).ToList();
    }
}

/// <summary>How often a genotype prefix (its first K positions) was proposed, over the whole search and in the last window.</summary>
public sealed record PrefixCount(string Prefix, int Cumulative, int InLastWindow);

/// <summary>The most frequent prefixes of each length 1..K.</summary>
public sealed record KGramPopularity(int Window, IReadOnlyDictionary<int, IReadOnlyList<PrefixCount>> Top)
{
    public static KGramPopularity Compute(IReadOnlyList<Proposal> proposals, int maxK, int window, int top = 5)
    {
        var result = new Dictionary<int, IReadOnlyList<PrefixCount>>();
        var length = proposals.Count == 0 ? 0 : proposals[0].Genotype.Length;
        for (var k = 1; k <= Math.Min(maxK, length); k++)
        {
            var cumulative = new Dictionary<string, int>();
            var recent = new Dictionary<string, int>();
            foreach (var p in proposals)
            {
                var key = string.Join(",", p.Genotype.Take(k));
                cumulative[key] = cumulative.GetValueOrDefault(key) + 1;
                if (p.Index >= proposals.Count - window) recent[key] = recent.GetValueOrDefault(key) + 1;
            }
            result[k] = cumulative.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Take(top)
                .Select(c => new PrefixCount(c.Key, c.Value, recent.GetValueOrDefault(c.Key))).ToList();
        }
        return new KGramPopularity(window, result);
    }
}
