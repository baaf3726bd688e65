namespace ActorNas.Integration.Tests.Cluster;

/// <summary>Cluster commands refuse what cannot work, with a message that names the fix (exit 2), before joining anything.</summary>
public sealed class ClusterCliErrorTests
{
    [Fact]
    public async Task A_cluster_search_on_SQLite_is_refused()
    {
        using var dir = new TempDirectory();
        var result = await ActorNasProcess.RunAsync(dir.Path, "seed", "--search-id", "x", "--port", "0");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("needs its log in PostgreSQL, not sqlite", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.db"));
    }

    [Theory]
    [InlineData(new[] { "seed", "--port", "0" }, "seed needs --search-id")]
    [InlineData(new[] { "seed", "--search-id", "x", "--db", "a.db" }, "'--db'")]   // a seed's log is in PostgreSQL, never a SQLite file
    [InlineData(new[] { "worker" }, "pass --join HOST:PORT")]
    [InlineData(new[] { "worker", "--join", "localhost" }, "is not HOST:PORT")]
    [InlineData(new[] { "worker", "--join", "127.0.0.1:4053", "--slots", "0" }, "at least one slot")]
    [InlineData(new[] { "worker", "--join", "127.0.0.1:4053", "--role", "population" }, "actornas seed")]
    public async Task Bad_cluster_flags_exit_2_with_the_fix(string[] args, string expected)
    {
        using var dir = new TempDirectory();
        var result = await ActorNasProcess.RunAsync(dir.Path, args);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
    }
}
