using System.Collections.Concurrent;
using Xunit;

namespace ActorNas.Core.Tests.TestSupport;

/// <summary>
/// Counts, across all samples of a property, how often each situation occurred, so a property that holds only
/// because its situation never arose fails instead of passing vacuously.
/// </summary>
internal sealed class Coverage
{
    private readonly ConcurrentDictionary<string, int> _counts = new();

    public void Hit(string situation, int times = 1)
    {
        if (times > 0) _counts.AddOrUpdate(situation, times, (_, c) => c + times);
    }

    public void Require(params string[] situations)
    {
        foreach (var s in situations)
            Assert.True(_counts.TryGetValue(s, out var c) && c > 0, $"no sample exercised \"{s}\"");
    }
}
