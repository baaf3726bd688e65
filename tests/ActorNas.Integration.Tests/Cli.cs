namespace ActorNas.Integration.Tests;

/// <summary>The read-only commands the tests use to look at a database, each checked to succeed.</summary>
internal static class Cli
{
    /// <summary>A small, quick synthetic evaluator: lognormal durations around <paramref name="meanMs"/> milliseconds.</summary>
    public static string SyntheticConfig(double meanMs, double sigma = 0.5, double failureRate = 0) =>
        FormattableString.Invariant(
            $"actornas.evaluator.synthetic {{ duration = lognormal, mean = {meanMs}ms, sigma = {sigma}, failure-rate = {failureRate} }}\n");

    /// <summary>`actornas status --db db --search-id id --json`, parsed.</summary>
    public static async Task<SearchSummary> StatusAsync(TempDirectory dir, string db, string searchId)
    {
        var result = await ActorNasProcess.RunAsync(dir.Path, "status", "--db", db, "--search-id", searchId, "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Summary();
    }

    /// <summary>
    /// Polls `status` until the log of a running search holds <paramref name="count"/> evaluations: a test waits on what
    /// the log says, not on a clock. Fails if the run exits first or the deadline passes.
    /// </summary>
    public static async Task<SearchSummary> WaitForEvaluatedAsync(TempDirectory dir, string db, string searchId, int count, ActorNasProcess run, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (run.HasExited) Assert.Fail("the search ended early\n" + await run.ResultAsync(TimeSpan.FromSeconds(10)));
            var status = await ActorNasProcess.RunAsync(dir.Path, "status", "--db", db, "--search-id", searchId, "--json");
            if (status.ExitCode == 0 && status.Summary() is { } summary && summary.Evaluated >= count) return summary;
            Assert.True(DateTime.UtcNow < deadline, $"fewer than {count} evaluated after {timeout.TotalSeconds:F0} s\n{status}");
            await Task.Delay(250);
        }
    }

    /// <summary>`actornas run` of a slow (training) search that must complete on its own with every evaluation of the budget.</summary>
    public static async Task RunThroughAsync(TempDirectory dir, string[] runArgs, int budget)
    {
        var whole = await ActorNasProcess.RunAsync(dir.Path, TimeSpan.FromSeconds(300), runArgs);
        Assert.True(whole.ExitCode == 0, whole.ToString());
        Assert.Equal(budget, whole.Summary().Evaluated);
    }

    /// <summary>
    /// Starts <paramref name="runArgs"/>, kills it with kill -9 once the log holds <paramref name="evaluated"/> results,
    /// checks the kill landed before the search completed, and resumes it to the end: the log of a search that crashed
    /// mid-way, for a test to compare with one that ran through. Returns how many were evaluated at the kill.
    /// </summary>
    public static async Task<int> KillAndResumeAsync(TempDirectory dir, string[] runArgs, string db, string searchId, int evaluated, int budget)
    {
        using (var run = ActorNasProcess.Start(dir.Path, runArgs))
        {
            await WaitForEvaluatedAsync(dir, db, searchId, evaluated, run, TimeSpan.FromSeconds(240));
            run.KillHard();
            await run.ResultAsync(TimeSpan.FromSeconds(30));
        }
        var atKill = await StatusAsync(dir, db, searchId);
        Assert.False(atKill.Completed, "the kill landed after the search completed: it tested nothing");
        var resumed = await ActorNasProcess.RunAsync(dir.Path, TimeSpan.FromSeconds(300), "resume", "--db", db, "--search-id", searchId, "--json");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(budget, resumed.Summary().Evaluated);
        return atKill.Evaluated;
    }

    /// <summary>`actornas list --db db`: the search ids, one a line.</summary>
    public static async Task<IReadOnlyList<string>> ListAsync(TempDirectory dir, string db)
    {
        var result = await ActorNasProcess.RunAsync(dir.Path, "list", "--db", db);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.StdoutLines;
    }

    /// <summary>`actornas run` of a small synthetic search; the arguments after the common ones are appended.</summary>
    public static string[] RunArgs(string db, string searchId, int budget, long seed, params string[] more) =>
    [
        "run", "--evaluator", "synthetic", "--budget", budget.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--db", db, "--search-id", searchId, .. more,
    ];
}
