using System.Diagnostics;

namespace ActorNas.Integration.Tests;

/// <summary>SIGTERM during `run`: exit 130, and the summary it prints is what the log holds once the actors stopped.</summary>
public sealed class InterruptCliTests(ITestOutputHelper output)
{
    private const string SearchId = "stopped";

    [Fact]
    public async Task The_interrupt_summary_counts_what_the_log_holds()
    {
        using var dir = new TempDirectory();
        var db = dir.File("search.db");
        var config = dir.Write("fast.hocon", Cli.SyntheticConfig(meanMs: 2, sigma: 0.5));
        using var run = ActorNasProcess.Start(dir.Path, Cli.RunArgs(db, SearchId, budget: 100_000, seed: 8,
            "--space", "nb201", "--workers", "4", "--config", config, "--json"));
        await DatabaseFiles.WaitForAsync(db, SearchId, events: 2000, snapshot: false, run, TimeSpan.FromSeconds(60));

        using (var kill = Process.Start("kill", ["-TERM", run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        var result = await run.ResultAsync(TimeSpan.FromSeconds(60));
        output.WriteLine(result.ToString());

        Assert.True(result.ExitCode == 130, result.ToString());
        Assert.Contains("actornas resume", result.Stderr, StringComparison.Ordinal);
        var printed = result.Summary();
        var recorded = await Cli.StatusAsync(dir, db, SearchId);
        Assert.Equal(recorded.Evaluated, printed.Evaluated);
        Assert.Equal(recorded.Best?.Objective, printed.Best?.Objective);
        Assert.True(printed.Evaluated > 0);
    }
}
