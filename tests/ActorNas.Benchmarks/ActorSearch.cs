using ActorNas.Actors.Runtime;
using System.Diagnostics;
using ActorNas.Actors;
using ActorNas.Actors.Configuration;
using ActorNas.Actors.Evaluators;
using ActorNas.Actors.Persistence;
using ActorNas.Actors.Protocol;
using ActorNas.Actors.Search;
using ActorNas.Core.Events;
using Akka.Actor;
using Akka.Configuration;

namespace ActorNas.Benchmarks;

/// <summary>One search through the real pipeline (the same calls as the CLI's SearchRunner), in its own ActorSystem.</summary>
internal static class ActorSearch
{
    /// <param name="Elapsed">From SearchSession.Start to Completion: includes the journal plugin's start and recovery.</param>
    /// <param name="AfterStarted">From the SearchStarted event to Completion: the running pipeline alone.</param>
    /// <param name="Log">The search's events read back from the journal, when asked for.</param>
    /// <param name="Cpu">This process's CPU time over <paramref name="Elapsed"/> (all its threads).</param>
    public sealed record Result(SearchStatus Status, TimeSpan Elapsed, TimeSpan AfterStarted, IReadOnlyList<ISearchEvent> Log, TimeSpan Cpu)
    {
        public double PerSecond => Status.Evaluated / Elapsed.TotalSeconds;
        public double PerSecondAfterStarted => Status.Evaluated / AfterStarted.TotalSeconds;
    }

    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(10);

    /// <param name="evaluators">The evaluator slots' factory; null: the built-in evaluator the settings name.</param>
    public static async Task<Result> RunAsync(Config config, PersistenceProvider provider, string searchId, bool readLog = false,
        Func<int, Core.Evaluation.IEvaluator>? evaluators = null)
    {
        var settings = ActorNasSettings.From(config);
        var persistence = settings.Persistence with { Provider = provider };
        if (provider == PersistenceProvider.Sqlite) PersistenceConfig.PrepareSqlite(persistence.SqlitePath, mustExist: false);

        var system = ActorSystem.Create(ActorSystemConfig.SystemName, ActorSystemConfig.Build(config, persistence));
        try
        {
            var cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var session = SearchSession.Start(system, new SearchSessionOptions(
                searchId, settings.Search, CreateIfMissing: true, settings, evaluators ?? BuiltInEvaluators.Factory(settings.Evaluator), BenchSettings.Node));
            var outcome = await session.Completion.WaitAsync(Limit);
            var elapsed = clock.Elapsed;
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart;
            var completedAt = DateTimeOffset.UtcNow;
            await session.DisposeAsync();
            if (outcome.Status is not { CompletionReason: "budget" } status)
                throw new InvalidOperationException($"search {searchId} did not complete its budget: {outcome.Error ?? outcome.Status?.CompletionReason}");

            var log = readLog ? await JournalReader.ReadAsync(system, searchId) : [];
            return new Result(status, elapsed, completedAt - status.StartedAt, log, cpu);
        }
        finally
        {
            await system.Terminate();
        }
    }
}
