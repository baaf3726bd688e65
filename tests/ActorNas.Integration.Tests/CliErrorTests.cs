namespace ActorNas.Integration.Tests;

/// <summary>
/// Bad input gives a non-zero exit code and one clear "error:" line on stderr, without a stack trace unless
/// --verbose, and leaves the searches already in the database as they were.
/// </summary>
public sealed class CliErrorTests(ITestOutputHelper output)
{
    private const int BadInput = 2;
    private const int StoreError = 3;

    [Fact]
    public async Task Unknown_space_is_bad_input_and_touches_no_database()
    {
        using var dir = new TempDirectory();
        var db = dir.File("new.db");

        var result = await ActorNasProcess.RunAsync(dir.Path, Cli.RunArgs(db, "s", budget: 20, seed: 1, "--space", "no-such-space"));

        var error = AssertCleanError(result, BadInput);
        Assert.Contains("no-such-space", error, StringComparison.Ordinal);
        Assert.False(File.Exists(db), "the settings are checked before the database is created");
    }

    [Fact]
    public async Task Verbose_adds_the_stack_trace_after_the_error_line()
    {
        using var dir = new TempDirectory();
        var db = dir.File("new.db");

        var result = await ActorNasProcess.RunAsync(dir.Path, Cli.RunArgs(db, "s", budget: 20, seed: 1, "--space", "no-such-space", "--verbose"));

        Assert.True(result.ExitCode == BadInput, result.ToString());
        Assert.StartsWith("error: ", result.StderrLines[0], StringComparison.Ordinal);
        Assert.Contains(result.StderrLines, l => l.StartsWith("   at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Resume_of_an_unknown_search_id_names_it()
    {
        using var dir = new TempDirectory();
        var db = dir.File("searches.db");
        await CreateSearchAsync(dir, db, "existing");

        var result = await ActorNasProcess.RunAsync(dir.Path, "resume", "--db", db, "--search-id", "no-such-search");

        var error = AssertCleanError(result, BadInput);
        Assert.Contains("no-such-search", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_of_an_unknown_search_id_names_it()
    {
        using var dir = new TempDirectory();
        var db = dir.File("searches.db");
        await CreateSearchAsync(dir, db, "existing");

        var result = await ActorNasProcess.RunAsync(dir.Path, "status", "--db", db, "--search-id", "no-such-search", "--json");

        var error = AssertCleanError(result, BadInput);
        Assert.Contains("no-such-search", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("resume")]
    [InlineData("status")]
    [InlineData("list")]
    [InlineData("export")]
    public async Task A_file_that_is_not_a_database_is_a_store_error_and_stays_as_it_was(string command)
    {
        using var dir = new TempDirectory();
        var notDb = dir.Write("notes.txt", "these are notes, not an SQLite database\n");
        var before = await File.ReadAllBytesAsync(notDb);
        string[] args = command switch
        {
            "run" => Cli.RunArgs(notDb, "s", budget: 20, seed: 1, "--space", "nb201"),
            "resume" => ["resume", "--db", notDb, "--search-id", "s"],
            "status" => ["status", "--db", notDb],
            "list" => ["list", "--db", notDb],
            "export" => ["export", "--db", notDb, "--search-id", "s", "--out", dir.File("out.csv")],
            _ => throw new ArgumentOutOfRangeException(nameof(command)),
        };

        var result = await ActorNasProcess.RunAsync(dir.Path, args);

        var error = AssertCleanError(result, StoreError);
        Assert.Contains("notes.txt", error, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(notDb));
        Assert.False(File.Exists(dir.File("out.csv")));
    }

    [Theory]
    [InlineData("status")]
    [InlineData("resume")]
    public async Task A_missing_database_is_a_store_error_and_is_not_created(string command)
    {
        using var dir = new TempDirectory();
        var db = dir.File("missing.db");

        var result = await ActorNasProcess.RunAsync(dir.Path, command, "--db", db, "--search-id", "s");

        AssertCleanError(result, StoreError);
        Assert.False(File.Exists(db));
    }

    /// <summary>Each text is broken on the given line.</summary>
    [Theory]
    [InlineData("actornas {\n  search {\n    population-size = 20\n  evaluator = { name = synthetic\n", 4)]
    [InlineData("actornas.evaluator.synthetic {\n  duration = lognormal\n  mean = 3ms\n  sigma = [0.5\n}\n", 5)]
    [InlineData("actornas.search.sample-size = 5\nactornas.search {\n  population-size = 20\n}}\n", 4)]
    public async Task Malformed_hocon_is_bad_input_that_names_the_line(string hocon, int line)
    {
        using var dir = new TempDirectory();
        var db = dir.File("new.db");
        var config = dir.Write("broken.hocon", hocon);

        var result = await ActorNasProcess.RunAsync(dir.Path, Cli.RunArgs(db, "s", budget: 20, seed: 1, "--space", "nb201", "--config", config));

        var error = AssertCleanError(result, BadInput);
        Assert.Contains($"line {line}", error, StringComparison.Ordinal);
        Assert.False(File.Exists(db), "the settings are checked before the database is created");
    }

    /// <summary>Akka's parser takes these silently (the first ran the default budget); they are refused with their line.</summary>
    [Theory]
    [InlineData("actornas.search.population-size = 20\nactornas.search.budget 40\n", 2, "has no '='")]
    [InlineData("actornas.search {\n  sample-size = 5\n  budget = = 5\n}\n", 3, "starts with '='")]
    [InlineData("actornas.search.budget = 5 actornas.search.sample-size = 3\n", 1, "put one setting on each line")]
    public async Task Hocon_that_Akka_would_misread_is_bad_input_that_names_the_line(string hocon, int line, string says)
    {
        using var dir = new TempDirectory();
        var db = dir.File("new.db");
        var config = dir.Write("broken.hocon", hocon);

        var result = await ActorNasProcess.RunAsync(dir.Path, Cli.RunArgs(db, "s", budget: 20, seed: 1, "--space", "nb201", "--config", config));

        var error = AssertCleanError(result, BadInput);
        Assert.Contains($"line {line}: ", error, StringComparison.Ordinal);
        Assert.Contains(says, error, StringComparison.Ordinal);
        Assert.False(File.Exists(db));
    }

    [Theory]
    [InlineData("--budget", "abc", "--budget: 'abc' is not a whole number")]
    [InlineData("--seed", "1.5", "--seed: '1.5' is not a whole number")]
    [InlineData("--time-scale", "fast", "--time-scale: 'fast' is not a number")]
    public async Task A_flag_value_of_the_wrong_kind_names_the_flag_and_no_dotnet_type(string flag, string value, string says)
    {
        using var dir = new TempDirectory();

        var result = await ActorNasProcess.RunAsync(dir.Path, "run", "--db", dir.File("new.db"), flag, value);

        Assert.True(result.ExitCode == BadInput, result.ToString());
        Assert.Equal($"error: {says}", result.StderrLines[0].Split(" (such as", 2)[0]);
        Assert.DoesNotContain("System.", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_config_that_is_a_directory_is_named_as_one_and_an_early_error_leaves_no_log_file_behind()
    {
        using var dir = new TempDirectory();
        var folder = dir.File("configs");
        Directory.CreateDirectory(folder);

        var result = await ActorNasProcess.RunAsync(dir.Path, Cli.RunArgs(dir.File("new.db"), "s", budget: 20, seed: 1, "--config", folder));

        var error = AssertCleanError(result, BadInput);
        Assert.Contains("is a directory", error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(dir.Path));   // no actornas.log in the working folder, no database
    }

    [Fact]
    public async Task List_says_so_when_the_database_holds_no_search()
    {
        using var dir = new TempDirectory();
        var db = dir.Write("empty.db", "");

        var result = await ActorNasProcess.RunAsync(dir.Path, "list", "--db", db);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Empty(result.StdoutLines);
        Assert.Contains($"{db} holds no search", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, new FileInfo(db).Length);
    }

    [Fact]
    public async Task Run_with_an_existing_search_id_is_bad_input()
    {
        using var dir = new TempDirectory();
        var db = dir.File("searches.db");
        await CreateSearchAsync(dir, db, "taken");

        var result = await ActorNasProcess.RunAsync(dir.Path, Cli.RunArgs(db, "taken", budget: 20, seed: 2, "--space", "nb201"));

        var error = AssertCleanError(result, BadInput);
        Assert.Contains("taken", error, StringComparison.Ordinal);
        Assert.Contains("resume", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failed_commands_leave_an_existing_search_unchanged()
    {
        using var dir = new TempDirectory();
        var db = dir.File("searches.db");
        await CreateSearchAsync(dir, db, "keep");
        var statusBefore = await Cli.StatusAsync(dir, db, "keep");
        var listBefore = await Cli.ListAsync(dir, db);
        var exportBefore = await ExportTextAsync(dir, db, "keep");
        var broken = dir.Write("broken.hocon", "actornas {\n  search {\n    budget = 5\n");

        string[][] failing =
        [
            Cli.RunArgs(db, "keep", budget: 20, seed: 9, "--space", "no-such-space"),
            Cli.RunArgs(db, "keep", budget: 20, seed: 9, "--space", "nb201"),
            Cli.RunArgs(db, "keep", budget: 20, seed: 9, "--space", "nb201", "--config", broken),
            Cli.RunArgs(db, "other", budget: 20, seed: 9, "--space", "nb201", "--config", broken),
            Cli.RunArgs(db, "other", budget: 20, seed: 9, "--space", "nb201", "--mode", "no-such-mode"),
            ["resume", "--db", db, "--search-id", "no-such-search"],
            ["resume", "--db", db, "--search-id", "keep", "--config", broken],
        ];
        foreach (var args in failing)
        {
            var result = await ActorNasProcess.RunAsync(dir.Path, args);
            output.WriteLine($"{result.CommandLine} -> {result.ExitCode}: {string.Join(" | ", result.StderrLines)}");
            AssertCleanError(result, expectedCode: null);
        }

        var statusAfter = await Cli.StatusAsync(dir, db, "keep");
        Assert.Equal(statusBefore.Json, statusAfter.Json);
        Assert.Equal(listBefore, await Cli.ListAsync(dir, db));
        Assert.Equal(exportBefore, await ExportTextAsync(dir, db, "keep"));
    }

    /// <summary>
    /// The command failed with the expected exit code (any non-zero one when null), stderr holds exactly one line, it
    /// starts with "error:", and no stack trace; returns that line.
    /// </summary>
    private static string AssertCleanError(CliResult result, int? expectedCode)
    {
        if (expectedCode is { } code) Assert.True(result.ExitCode == code, $"expected exit code {code}\n{result}");
        else Assert.True(result.ExitCode is not 0 and not ActorNasProcess.KilledExitCode, $"expected a failure\n{result}");
        Assert.DoesNotContain(result.StderrLines, l => l.StartsWith("   at ", StringComparison.Ordinal));
        Assert.DoesNotContain("Exception:", result.Stderr, StringComparison.Ordinal);
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        return line;
    }

    private static async Task CreateSearchAsync(TempDirectory dir, string db, string searchId)
    {
        var result = await ActorNasProcess.RunAsync(dir.Path, Cli.RunArgs(db, searchId, budget: 30, seed: 7, "--space", "nb201", "--workers", "2", "--json"));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(result.Summary().Completed, result.ToString());
    }

    private static async Task<string> ExportTextAsync(TempDirectory dir, string db, string searchId)
    {
        var file = dir.File($"{searchId}-{Guid.NewGuid():N}.csv");
        var result = await ActorNasProcess.RunAsync(dir.Path, "export", "--db", db, "--search-id", searchId, "--out", file);
        Assert.True(result.ExitCode == 0, result.ToString());
        return await File.ReadAllTextAsync(file);
    }
}
