namespace ActorNas.Core.Growth;

/// <summary>
/// SpiderNet's pruning record: after every training batch, which gates were open (w &gt; 0); at the end of the window,
/// an op whose gate was open in fewer than <see cref="PruneBelow"/> of the window's batches is pruned for good. The
/// authors' window is the last 4 epochs, checked at the end of every epoch; the CPU-sized version here checks once per
/// round, over all of the round's batches (the research notes' reading for short rounds).
/// </summary>
public sealed class GateWindow
{
    /// <summary>The authors' threshold: open in fewer than a quarter of the batches.</summary>
    public const double PruneBelow = 0.25;

    private readonly int[] _open;

    public GateWindow(int gates)
    {
        if (gates < 0) throw new ArgumentOutOfRangeException(nameof(gates), gates, "a gate count cannot be negative");
        _open = new int[gates];
    }

    public int Gates => _open.Length;
    public int Batches { get; private set; }

    /// <summary>One batch: whether each gate (in a fixed order) was open after it.</summary>
    public void Record(IReadOnlyList<bool> open)
    {
        ArgumentNullException.ThrowIfNull(open);
        if (open.Count != _open.Length) throw new ArgumentException($"expected {_open.Length} gates, got {open.Count}", nameof(open));
        for (var g = 0; g < _open.Length; g++)
            if (open[g]) _open[g]++;
        Batches++;
    }

    /// <summary>Share of the window's batches after which gate <paramref name="gate"/> was open (NaN before any batch).</summary>
    public double OpenFraction(int gate) => Batches == 0 ? double.NaN : (double)_open[gate] / Batches;

    /// <summary>The gates to prune, in order: open in fewer than <paramref name="threshold"/> of the batches. Nothing
    /// before the first batch.</summary>
    public IReadOnlyList<int> ToPrune(double threshold = PruneBelow) =>
        Batches == 0 ? [] : [.. Enumerable.Range(0, _open.Length).Where(g => OpenFraction(g) < threshold)];
}
