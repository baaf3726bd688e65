using System.Globalization;

namespace ActorNas.Benchmarks;

/// <summary>The flags the benchmarks understand (each benchmark reads the ones it needs).</summary>
internal sealed record BenchOptions(int? Budget, bool Quick, int? Seeds = null, string? Table = null, int? Threads = null, int? Window = null, int? TrainBudget = null, string? Only = null, int? Clients = null, int? NtkImages = null, int? Rounds = null, bool Serve = false)
{
    /// <summary>Throws <see cref="ArgumentException"/> for an unknown flag or a bad value.</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions(null, false);
        for (var i = 0; i < args.Count; i++)
        {
            options = args[i] switch
            {
                "--quick" => options with { Quick = true },
                "--budget" => options with { Budget = PositiveInt(args, ++i, "--budget") },
                "--seeds" => options with { Seeds = PositiveInt(args, ++i, "--seeds") },
                "--table" => options with { Table = Value(args, ++i, "--table") },
                "--threads" => options with { Threads = PositiveInt(args, ++i, "--threads") },
                "--window" => options with { Window = PositiveInt(args, ++i, "--window") },
                "--train-budget" => options with { TrainBudget = PositiveInt(args, ++i, "--train-budget") },
                "--only" => options with { Only = Value(args, ++i, "--only") },
                "--clients" => options with { Clients = PositiveInt(args, ++i, "--clients") },
                "--ntk-images" => options with { NtkImages = PositiveInt(args, ++i, "--ntk-images") },
                "--rounds" => options with { Rounds = PositiveInt(args, ++i, "--rounds") },
                "--serve" => options with { Serve = true },
                _ => throw new ArgumentException($"unknown option \"{args[i]}\""),
            };
        }
        return options;
    }

    private static string Value(IReadOnlyList<string> args, int i, string flag) =>
        i < args.Count ? args[i] : throw new ArgumentException($"{flag} needs a value");

    private static int PositiveInt(IReadOnlyList<string> args, int i, string flag)
    {
        var text = Value(args, i, flag);
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1)
            throw new ArgumentException($"{flag} needs a positive integer, got \"{text}\"");
        return value;
    }
}
