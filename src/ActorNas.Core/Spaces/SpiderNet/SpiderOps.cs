namespace ActorNas.Core.Spaces.SpiderNet;

/// <summary>The seven operations every SpiderNet edge starts with (there is no zero op: a pruned op is simply gone).</summary>
public enum SpiderOp
{
    Identity = 0,
    MaxPool3 = 1,
    AvgPool3 = 2,
    SepConv3 = 3,
    SepConv5 = 4,
    DilConv3 = 5,
    DilConv5 = 6,
}

/// <summary>
/// Which of an edge's operations are still alive, as a bit mask (bit k = <see cref="SpiderOp"/> k); written as seven
/// 0/1 characters in op order, so "1111111" is a fresh edge and "1001000" keeps identity and sep-conv-3.
/// </summary>
public static class SpiderOps
{
    public const int Count = 7;

    /// <summary>Every op alive: a fresh edge.</summary>
    public const int All = (1 << Count) - 1;

    public static readonly IReadOnlyList<string> Names =
        ["identity", "max-pool-3", "avg-pool-3", "sep-conv-3", "sep-conv-5", "dil-conv-3", "dil-conv-5"];

    public static bool IsAlive(int mask, SpiderOp op) => (mask & (1 << (int)op)) != 0;

    public static int Without(int mask, SpiderOp op) => mask & ~(1 << (int)op);

    public static IEnumerable<SpiderOp> AliveIn(int mask) =>
        Enumerable.Range(0, Count).Where(k => (mask & (1 << k)) != 0).Select(k => (SpiderOp)k);

    public static string Format(int mask) => string.Concat(Enumerable.Range(0, Count).Select(k => (mask & (1 << k)) != 0 ? '1' : '0'));

    /// <summary>Reads seven 0/1 characters; null when <paramref name="text"/> is not that or names no op.</summary>
    public static int? TryParse(string text)
    {
        if (text.Length != Count || text.Any(c => c is not ('0' or '1'))) return null;
        var mask = 0;
        for (var k = 0; k < Count; k++)
            if (text[k] == '1') mask |= 1 << k;
        return mask == 0 ? null : mask;
    }
}
