namespace ActorNas.Core.Growth;

/// <summary>
/// One re-initialisation of an on/off pair of a candidate edge split: the metrics of the split network with the two new
/// edges active ("on") and masked ("off", which computes what the network before the split did).
/// </summary>
public sealed record SplitPair(double KappaOn, double KappaOff, double RegionsOn, double RegionsOff);

/// <summary>A candidate split of edge <paramref name="Edge"/> with its relative changes, averaged over re-initialisations.</summary>
/// <param name="DeltaKappa">(kappa_on - kappa_off) / kappa_off: negative when the split conditions the NTK better.</param>
/// <param name="DeltaRegions">(LRC_on - LRC_off) / LRC_off: positive when the split adds linear regions.</param>
public sealed record SplitCandidate(int Edge, double DeltaKappa, double DeltaRegions)
{
    /// <summary>SpiderNet's validity rule: more regions and a condition number no worse (finite changes only).</summary>
    public bool IsValid => double.IsFinite(DeltaKappa) && double.IsFinite(DeltaRegions) && DeltaRegions > 0 && DeltaKappa <= 0;
}

/// <summary>
/// How SpiderNet chooses the edge to split in one cell, as pure functions: relative changes of the NTK condition number
/// and of the linear-region count between the "on" and "off" copies, averaged over re-initialisations; a candidate is
/// valid iff it adds regions and does not raise kappa; the edges are visited in random order until
/// <see cref="ValidNeeded"/> are valid; among the valid ones, both changes are min-max normalised and
/// score = 0.5 [(1 - norm dLRC) + norm dKappa]; the lowest score wins (the largest region gain plus the largest kappa
/// drop, weighted equally). No valid candidate: the cell stays as it is.
/// </summary>
public static class SplitScoring
{
    /// <summary>The authors stop measuring a cell's edges once this many candidates are valid.</summary>
    public const int ValidNeeded = 3;

    /// <summary>
    /// (on - off) / off. A singular "off" kernel (+infinity) that the split makes regular counts as the largest drop,
    /// -1; anything else that is not a number (both infinite, off = 0) stays NaN, and the candidate is not valid.
    /// </summary>
    public static double RelativeChange(double on, double off)
    {
        if (double.IsPositiveInfinity(off)) return double.IsFinite(on) ? -1 : double.NaN;
        if (off == 0) return double.NaN;
        return (on - off) / off;
    }

    /// <summary>The candidate of <paramref name="edge"/>: each relative change averaged over the re-initialisations.</summary>
    public static SplitCandidate Candidate(int edge, IReadOnlyList<SplitPair> reinitialisations)
    {
        ArgumentNullException.ThrowIfNull(reinitialisations);
        if (reinitialisations.Count == 0) throw new ArgumentException("a split candidate needs at least one re-initialisation", nameof(reinitialisations));
        return new SplitCandidate(edge,
            reinitialisations.Average(p => RelativeChange(p.KappaOn, p.KappaOff)),
            reinitialisations.Average(p => RelativeChange(p.RegionsOn, p.RegionsOff)));
    }

    /// <summary>
    /// Measures the edges in the order given (the caller shuffles them) until <see cref="ValidNeeded"/> are valid, and
    /// returns the valid ones in that order. <paramref name="measure"/> is called once per visited edge, and never after
    /// the last valid one needed.
    /// </summary>
    public static IReadOnlyList<SplitCandidate> CollectValid(IEnumerable<int> edgesInOrder, Func<int, SplitCandidate> measure)
    {
        ArgumentNullException.ThrowIfNull(edgesInOrder);
        ArgumentNullException.ThrowIfNull(measure);
        var valid = new List<SplitCandidate>(ValidNeeded);
        foreach (var edge in edgesInOrder)
        {
            var candidate = measure(edge);
            if (candidate.IsValid) valid.Add(candidate);
            if (valid.Count == ValidNeeded) break;
        }
        return valid;
    }

    /// <summary>
    /// 0.5 [(1 - norm dLRC) + norm dKappa] for each valid candidate, in order, with x normalised as
    /// (x - min) / (max - min) over the candidates; a change that is the same for every candidate normalises to 0.
    /// </summary>
    public static IReadOnlyList<double> Scores(IReadOnlyList<SplitCandidate> valid)
    {
        ArgumentNullException.ThrowIfNull(valid);
        if (valid.Any(c => !c.IsValid)) throw new ArgumentException("only valid candidates are scored", nameof(valid));
        var regions = Normalise(valid.Select(c => c.DeltaRegions).ToList());
        var kappa = Normalise(valid.Select(c => c.DeltaKappa).ToList());
        return valid.Select((_, i) => 0.5 * ((1 - regions[i]) + kappa[i])).ToList();
    }

    /// <summary>The valid candidate with the lowest score (the first of equal ones); null when there is none.</summary>
    public static SplitCandidate? Choose(IReadOnlyList<SplitCandidate> valid)
    {
        ArgumentNullException.ThrowIfNull(valid);
        if (valid.Count == 0) return null;
        var scores = Scores(valid);
        var best = 0;
        for (var i = 1; i < scores.Count; i++)
            if (scores[i] < scores[best]) best = i;
        return valid[best];
    }

    private static double[] Normalise(IReadOnlyList<double> values)
    {
        var min = values.Min();
        var range = values.Max() - min;
        return values.Select(v => range > 0 ? (v - min) / range : 0).ToArray();
    }
}
