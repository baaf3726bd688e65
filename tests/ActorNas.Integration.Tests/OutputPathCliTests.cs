namespace ActorNas.Integration.Tests;

/// <summary>
/// A command never writes over the search's database, the files beside it, or any existing file without --force; a
/// bad output path is bad input (exit 2) with one clear line, and the database stays byte for byte as it was.
/// </summary>
public sealed class OutputPathCliTests(ITestOutputHelper output)
{
    private const int BadInput = 2;
    private const string SearchId = "keep";

    [Fact]
    public async Task Export_refuses_the_database_its_companions_existing_files_folders_and_missing_folders()
    {
        using var dir = new TempDirectory();
        var db = dir.File("search.db");
        var run = await ActorNasProcess.RunAsync(dir.Path, Cli.RunArgs(db, SearchId, budget: 20, seed: 3, "--space", "nb201", "--workers", "2"));
        Assert.True(run.ExitCode == 0, run.ToString());
        var existing = dir.Write("results.csv", "keep me\n");
        var link = dir.File("link-to-search.db");
        File.CreateSymbolicLink(link, db);
        Directory.CreateDirectory(dir.File("folder"));
        var original = DatabaseFiles.Take(db);

        var refused = new (string Out, string Says)[]
        {
            (db, "is the search's database"),
            (link, "is the search's database"),
            (db + ".snapshots", "a file the search's database keeps beside it"),
            (existing, "already exists; pass --force"),
            (dir.File("folder"), "is a directory"),
            (dir.File("missing/results.csv"), "does not exist; create it first"),
        };
        foreach (var (target, says) in refused)
        {
            var result = await ActorNasProcess.RunAsync(dir.Path, "export", "--db", db, "--search-id", SearchId, "--out", target);
            output.WriteLine($"--out {target} -> {result.ExitCode}: {string.Join(" | ", result.StderrLines)}");
            Assert.True(result.ExitCode == BadInput, result.ToString());
            var error = Assert.Single(result.StderrLines);
            Assert.StartsWith("error: ", error, StringComparison.Ordinal);
            Assert.Contains(says, error, StringComparison.Ordinal);
            original.AssertUnchanged($"by export --out {target}");
        }
        Assert.Equal("keep me\n", await File.ReadAllTextAsync(existing));
        Assert.False(Directory.Exists(dir.File("missing")));

        // --force replaces a plain file, and never the database itself
        var forced = await ActorNasProcess.RunAsync(dir.Path, "export", "--db", db, "--search-id", SearchId, "--out", existing, "--force");
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.StartsWith("job_id,", await File.ReadAllTextAsync(existing), StringComparison.Ordinal);
        var overDb = await ActorNasProcess.RunAsync(dir.Path, "export", "--db", db, "--search-id", SearchId, "--out", db, "--force");
        Assert.True(overDb.ExitCode == BadInput, overDb.ToString());
        original.AssertUnchanged("by export --force");
        Assert.Equal(20, (await Cli.StatusAsync(dir, db, SearchId)).Evaluated);
    }

    [Fact]
    public async Task Analyze_refuses_an_output_folder_that_is_a_file()
    {
        using var dir = new TempDirectory();
        var db = dir.File("search.db");
        var run = await ActorNasProcess.RunAsync(dir.Path, Cli.RunArgs(db, SearchId, budget: 20, seed: 3, "--space", "nb201", "--workers", "2"));
        Assert.True(run.ExitCode == 0, run.ToString());
        var file = dir.Write("report.txt", "not a folder\n");
        var original = DatabaseFiles.Take(db);

        foreach (var target in new[] { file, db })
        {
            var result = await ActorNasProcess.RunAsync(dir.Path, "analyze", "--db", db, "--search-id", SearchId, "--out", target);
            Assert.True(result.ExitCode == BadInput, result.ToString());
            Assert.StartsWith("error: ", Assert.Single(result.StderrLines), StringComparison.Ordinal);
        }
        Assert.Equal("not a folder\n", await File.ReadAllTextAsync(file));
        original.AssertUnchanged("by analyze");
    }
}
