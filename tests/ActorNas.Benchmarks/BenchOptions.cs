using System.Globalization;

namespace ActorNas.Benchmarks;

/// <summary>The flags every benchmark understands.</summary>
internal sealed record BenchOptions(int? Budget, bool Quick)
{
    /// <summary>Throws <see cref="ArgumentException"/> for an unknown flag or a bad value.</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        int? budget = null;
        var quick = false;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    quick = true;
                    break;
                case "--budget" when i + 1 < args.Count:
                    if (!int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out var b) || b < 1)
                        throw new ArgumentException($"--budget needs a positive integer, got \"{args[i]}\"");
                    budget = b;
                    break;
                case "--budget":
                    throw new ArgumentException("--budget needs a value");
                default:
                    throw new ArgumentException($"unknown option \"{args[i]}\"");
            }
        }
        return new BenchOptions(budget, quick);
    }
}
