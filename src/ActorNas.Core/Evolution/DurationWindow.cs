namespace ActorNas.Core.Evolution;

/// <summary>
/// The durations of the most recent successful evaluations (a fixed-size ring), so that "how long does an evaluation
/// take" has an answer that follows the search (later candidates may be larger) and costs the same at any length.
/// Part of the state and of snapshots: a resumed search keeps its time limits and warnings.
/// </summary>
public sealed class DurationWindow
{
    public const int Capacity = 256;

    private readonly double[] _seconds = new double[Capacity];
    private int _next;
    private double[]? _sorted;   // cached until the next Add

    public int Count { get; private set; }

    public void Add(TimeSpan duration) => Add(duration.TotalSeconds);

    private void Add(double seconds)
    {
        _seconds[_next] = Math.Max(0, seconds);
        _next = (_next + 1) % Capacity;
        Count = Math.Min(Count + 1, Capacity);
        _sorted = null;
    }

    /// <summary>The q-quantile (nearest rank) in seconds; null while the window is empty.</summary>
    public double? Quantile(double q)
    {
        if (Count == 0) return null;
        _sorted ??= Oldest().Order().ToArray();
        var rank = (int)Math.Ceiling(q * _sorted.Length) - 1;
        return _sorted[Math.Clamp(rank, 0, _sorted.Length - 1)];
    }

    /// <summary>The durations in the order they were added, oldest first (for snapshots).</summary>
    public IReadOnlyList<double> Oldest()
    {
        var result = new double[Count];
        var start = Count < Capacity ? 0 : _next;
        for (var i = 0; i < Count; i++) result[i] = _seconds[(start + i) % Capacity];
        return result;
    }

    public static DurationWindow From(IEnumerable<double>? seconds)
    {
        var window = new DurationWindow();
        // as stored: a trip through TimeSpan.FromSeconds would round 2.76 s to 2.7599999 s, and a restored state would
        // differ from a replayed one
        foreach (var s in seconds ?? []) window.Add(s);
        return window;
    }
}
