using ActorNas.Benchmarks;

// One subcommand per benchmark; each prints human-readable lines and, as its last line, one JSON object.
if (args.Length == 0) return Usage("name a benchmark");

BenchOptions options;
try
{
    options = BenchOptions.Parse(args[1..]);
}
catch (ArgumentException e)
{
    return Usage(e.Message);
}

return args[0] switch
{
    "orchestration" => await OrchestrationBenchmark.RunAsync(options),
    _ => Usage($"unknown benchmark \"{args[0]}\""),
};

static int Usage(string problem)
{
    Console.Error.WriteLine($"""
        error: {problem}
        usage: dotnet run -c Release --project tests/ActorNas.Benchmarks -- <benchmark> [--budget N] [--quick]
          orchestration   evaluations/s of the plain loop, the actors (in-memory and SQLite journal) and the SQLite
                          insert limit; evaluator utilisation in continuous and batch mode
          --budget N      evaluations per throughput run (default 20000)
          --quick         small numbers, for a CI smoke run
        """);
    return 2;
}
