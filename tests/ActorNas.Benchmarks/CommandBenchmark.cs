using System.Diagnostics;
using System.Globalization;
using ActorNas.Actors.Configuration;
using ActorNas.Actors.Evaluators.Command;
using ActorNas.Actors.Persistence;
using ActorNas.Core;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;
using Akka.Configuration;

namespace ActorNas.Benchmarks;

/// <summary>
/// The command evaluator's cost per candidate (a process group started, JSON in, the result line out, the group
/// cleaned up) against the in-process synthetic evaluator: the evaluator alone, one candidate at a time (ms per
/// candidate), and whole searches with 2 slots on a SQLite log (evaluations/s).
/// </summary>
internal static class CommandBenchmark
{
    private static readonly string[] Echo = ["echo", "{\"objective\": 0.5}"];
    private static readonly string[] Python =
        ["python3", "-c", "import json, sys; c = json.load(sys.stdin); print(json.dumps({'objective': sum(c['positions']) / 30}))"];

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var direct = options.Budget ?? (options.Quick ? 40 : 400);
        var searchBudget = options.Budget ?? (options.Quick ? 40 : 400);
        using var scratch = new ScratchDirectory();
        Console.WriteLine($"command evaluator overhead: {direct} candidates one at a time per evaluator, then searches of {searchBudget} " +
                          $"evaluations with 2 slots on SQLite ({Environment.ProcessorCount} cores)");

        var json = new BenchJson().Add("candidates", direct, 0).Add("searchBudget", searchBudget, 0);
        foreach (var (name, command) in new (string, string[]?)[] { ("synthetic", null), ("echo", Echo), ("python", Python) })
        {
            var evaluator = command is null
                ? (IEvaluator)new Actors.Evaluators.SyntheticEvaluator(new SyntheticSettings())
                : new CommandEvaluator(Settings(command, scratch), "");
            var ms = await DirectAsync(evaluator, direct);
            var search = await ActorSearch.RunAsync(SearchConfig(command, scratch, searchBudget), PersistenceProvider.Sqlite, "command-" + name);
            Console.WriteLine($"{name,-10} alone: {ms,9:F3} ms per candidate ({1000 / ms,9:F1}/s); search with 2 slots: " +
                              $"{search.PerSecondAfterStarted,8:F1} evaluations/s ({1000 / search.PerSecondAfterStarted,7:F2} ms per evaluation)");
            json.Add($"{name}MsPerCandidate", ms, 3).Add($"{name}SearchPerSecond", search.PerSecondAfterStarted, 1);
        }
        Console.WriteLine(json);
        return 0;
    }

    private static CommandSettings Settings(string[] command, ScratchDirectory scratch) =>
        CommandSettings.Default with { Command = command, Gpus = [], CheckpointDir = scratch.File("checkpoints") };

    /// <summary>Mean ms per candidate of one evaluator, sequentially, after a few warm-up calls.</summary>
    private static async Task<double> DirectAsync(IEvaluator evaluator, int count)
    {
        var space = Nb201Space.Instance;
        var context = new EvaluationContext("bench", space, 1, "bench/slot-0", "bench", 0);
        var random = new Random(1);
        Candidate Next(long id) => new(id, null, new Genotype(Enumerable.Range(0, space.Length).Select(p => random.Next(space.ChoicesAt(p)))), 1);
        for (var id = 1; id <= 5; id++) await evaluator.EvaluateAsync(Next(-id), context, CancellationToken.None);
        var clock = Stopwatch.StartNew();
        for (var id = 1; id <= count; id++) await evaluator.EvaluateAsync(Next(id), context, CancellationToken.None);
        return clock.Elapsed.TotalMilliseconds / count;
    }

    private static Config SearchConfig(string[]? command, ScratchDirectory scratch, int budget)
    {
        var evaluator = command is null
            ? "name = synthetic"
            : $"name = command\ncommand {{ command = {Hocon.Value(command)}, gpus = none, checkpoint-dir = {Hocon.Value(scratch.File("checkpoints"))} }}";
        return ActorNasConfig.Combine(ConfigurationFactory.ParseString(string.Create(CultureInfo.InvariantCulture, $$"""
            actornas.search { budget = {{budget}}, population-size = 20, sample-size = 5, seed = 3 }
            actornas.evaluator { workers = 2
            {{evaluator}}
            }
            actornas.persistence.sqlite.path = {{Hocon.Value(scratch.File($"{Guid.NewGuid():N}.db"))}}
            """)));
    }
}
