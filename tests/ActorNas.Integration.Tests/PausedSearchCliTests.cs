using ActorNas.Actors.Runtime;
using ActorNas.Actors;
using ActorNas.Actors.Configuration;
using ActorNas.Actors.Persistence;
using ActorNas.Core.Events;
using Akka.Actor;
using Akka.Configuration;

namespace ActorNas.Integration.Tests;

/// <summary>A search its owner paused (through the embedding API) as the command line sees it.</summary>
public sealed class PausedSearchCliTests
{
    [Fact]
    public async Task Status_says_paused_and_resume_continues_a_paused_search_to_its_budget()
    {
        const int Budget = 3000;   // 20 ms a candidate on 2 workers: about 30 s, far longer than the wait below needs
        using var dir = new TempDirectory();
        var db = dir.File("paused.db");
        var config = dir.Write("slow.hocon", Cli.SyntheticConfig(meanMs: 20));
        SearchSummary before;
        using (var process = ActorNasProcess.Start(dir.Path, Cli.RunArgs(db, "p", Budget, seed: 3, "--workers", "2", "--config", config)))
        {
            // once the log holds some evaluations, kill it: the log ends mid-search
            before = await Cli.WaitForEvaluatedAsync(dir, db, "p", 20, process, TimeSpan.FromMinutes(2));
            process.KillHard();
            await process.ResultAsync(TimeSpan.FromSeconds(30));
        }
        var killed = await Cli.StatusAsync(dir, db, "p");
        Assert.False(killed.Completed, killed.Json);
        Assert.InRange(killed.Evaluated, before.Evaluated, Budget - 1);

        await AppendAsync(db, "p", new SearchPaused("weekend", DateTimeOffset.UtcNow));
        var paused = await ActorNasProcess.RunAsync(dir.Path, "status", "--db", db, "--search-id", "p");
        Assert.Contains("search p: paused", paused.Stdout, StringComparison.Ordinal);
        Assert.True((await Cli.StatusAsync(dir, db, "p")).Paused);

        // more workers than the run had, so the rest of the budget goes quickly
        var resumed = await ActorNasProcess.RunAsync(dir.Path, TimeSpan.FromMinutes(3), "resume", "--db", db, "--search-id", "p", "--workers", "8", "--json");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains("was paused; resumed it", resumed.Stderr, StringComparison.Ordinal);
        var end = resumed.Summary();
        Assert.True(end.Completed);
        Assert.False(end.Paused);
        Assert.Equal(Budget, end.Evaluated);
    }

    /// <summary>Appends an event to a search's log the way the Population would have.</summary>
    private static async Task AppendAsync(string db, string searchId, ISearchEvent e)
    {
        var settings = ActorNasSettings.From(ActorNasConfig.Combine(ConfigurationFactory.ParseString(
            $"actornas.persistence.sqlite.path = \"{db.Replace("\\", "\\\\", StringComparison.Ordinal)}\"")));
        using var system = ActorSystem.Create("append", ActorSystemConfig.Build(ActorNasConfig.Combine(), settings.Persistence));
        await SearchLogWriter.WriteAsync(system, searchId, [e]);
        await system.Terminate();
    }
}
