using ActorNas.Tests.Shared;
using System.Globalization;

namespace ActorNas.Integration.Tests;

/// <summary>
/// `actornas run --evaluator tabular` as a real process over the real NAS-Bench-201 table: reproducible with one
/// worker, the dataset flag picks the objective column, and a table that cannot be used is bad input that touches no
/// database.
/// </summary>
public sealed class TabularCliTests(ITestOutputHelper output)
{
    private const int BadInput = 2;

    /// <summary>Columns that depend on the clock or on the process (the node is "host:pid", the worker "node/slot-0").</summary>
    private static readonly HashSet<string> RunSpecificColumns =
        ["worker", "node", "started_at", "finished_at", "m:timestamp_submit", "m:timestamp_start", "m:timestamp_end"];

    private static readonly Lazy<string?> TablePath = new(() => SharedData.Find(SharedData.Nb201Table));

    /// <summary>The table read here, independently of ActorNas's loader: arch_str -> the row's cells by column name.</summary>
    private static readonly Lazy<Dictionary<string, Dictionary<string, string>>> TableRows = new(() =>
    {
        var lines = File.ReadAllLines(TablePath.Value!);
        var header = lines[0].Split(',');
        return lines.Skip(1).Where(l => l.Length > 0)
            .Select(l => header.Zip(l.Split(',')).ToDictionary(p => p.Item1, p => p.Item2))
            .ToDictionary(r => r["arch_str"]);
    });

    private bool TableIsMissing()
    {
        if (TablePath.Value is not null) return false;
        output.WriteLine($"SKIPPED: the NAS-Bench-201 table (shared/{SharedData.Nb201Table}) is not on this machine");
        return true;
    }

    private static string[] TabularRun(string db, string searchId, string table, int budget, params string[] more) =>
    [
        "run", "--evaluator", "tabular", "--table", table, "--space", "nb201",
        "--budget", budget.ToString(CultureInfo.InvariantCulture), "--db", db, "--search-id", searchId, .. more,
    ];

    [Fact]
    public async Task A_tabular_search_with_a_fixed_seed_is_reproducible_the_same_log_twice()
    {
        if (TableIsMissing()) return;
        using var dir = new TempDirectory();
        var exports = new List<IReadOnlyList<ExportRow>>();
        var summaries = new List<SearchSummary>();
        foreach (var db in new[] { dir.File("first.db"), dir.File("second.db") })
        {
            var run = await ActorNasProcess.RunAsync(dir.Path, TabularRun(db, "repro", TablePath.Value!, 200,
                "--population", "20", "--sample", "5", "--workers", "1", "--seed", "42", "--json"));
            Assert.True(run.ExitCode == 0, run.ToString());
            output.WriteLine($"{run.Elapsed.TotalSeconds:F1} s: {run.Summary().Json}");
            summaries.Add(run.Summary());
            exports.Add(await ExportCsv.ExportAsync(dir, db, "repro"));
        }

        Assert.All(summaries, s =>
        {
            Assert.True(s.Completed, s.Json);
            Assert.Equal(200, s.Evaluated);
            Assert.Equal(0, s.Failed);
        });
        Assert.Equal(summaries[0].Best, summaries[1].Best);

        var (first, second) = (exports[0], exports[1]);
        Assert.Equal(200, first.Count);
        Assert.Equal(180, first.Count(r => r.Cells["parent_id"].Length > 0));   // P = 20 random, then children
        Assert.All(first, r => Assert.Equal("evaluated", r.Status));
        var compared = ExportCsv.ExpectedColumns.Where(c => !RunSpecificColumns.Contains(c)).ToList();
        Assert.Contains("objective", compared);
        Assert.Contains("mutation_to", compared);
        Assert.Contains("attempts", compared);
        Assert.Equal(first.Count, second.Count);
        for (var i = 0; i < first.Count; i++)
            Assert.Equal(compared.Select(c => (c, first[i].Cells[c])), compared.Select(c => (c, second[i].Cells[c])));
        // with several workers the order of results, and so every later tournament, depends on timing: only W = 1 is
        // held to "the same log twice"
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("partial")]
    [InlineData("duplicate")]
    public async Task A_table_that_cannot_be_used_is_bad_input_and_creates_no_database(string kind)
    {
        if (TableIsMissing()) return;
        using var dir = new TempDirectory();
        var (table, expected) = BadTable(dir, kind);
        var db = dir.File("new.db");

        var result = await ActorNasProcess.RunAsync(dir.Path, TabularRun(db, "s", table, 20, "--seed", "1"));

        output.WriteLine($"{kind}: {string.Join(" | ", result.StderrLines)}");
        var error = AssertCleanError(result);
        Assert.Contains(table, error, StringComparison.Ordinal);
        foreach (var e in expected) Assert.Contains(e, error, StringComparison.Ordinal);
        Assert.False(File.Exists(db), "the table is loaded before the database is created");
        Assert.Empty(Directory.GetFiles(dir.Path, "new.db*"));
    }

    /// <summary>The new flags' own mistakes: refused by the settings, before any table is read or database created.</summary>
    [Theory]
    [InlineData("--evaluator tabular", "--table")]
    [InlineData("--evaluator tabular --table TABLE --dataset cifar11", "cifar10, cifar100, imagenet16-120")]
    [InlineData("--evaluator tabular --table TABLE --space sequential", "nb201")]
    [InlineData("--evaluator tabular --table TABLE --time-scale -1", "time-scale")]
    [InlineData("--screen-mutants 3", "proxy")]
    [InlineData("--screen-mutants 3 --proxy magic", "surrogate")]
    [InlineData("--screen-mutants 3 --proxy flops --space sequential", "flops")]
    public async Task Bad_tabular_and_screening_flags_are_bad_input(string flags, string expected)
    {
        using var dir = new TempDirectory();
        var db = dir.File("new.db");
        var table = TablePath.Value ?? dir.Write("not-read.csv", "");
        string[] args = ["run", "--budget", "20", "--seed", "1", "--db", db, "--search-id", "s",
            .. flags.Split(' ').Select(a => a == "TABLE" ? table : a)];

        var result = await ActorNasProcess.RunAsync(dir.Path, args);

        output.WriteLine($"{flags}: {string.Join(" | ", result.StderrLines)}");
        var error = AssertCleanError(result);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.False(File.Exists(db), "the settings are checked before the database is created");
    }

    [Fact]
    public async Task A_bad_table_leaves_a_finished_search_in_the_same_database_unchanged()
    {
        if (TableIsMissing()) return;
        using var dir = new TempDirectory();
        var db = dir.File("searches.db");
        var create = await ActorNasProcess.RunAsync(dir.Path, TabularRun(db, "keep", TablePath.Value!, 30, "--workers", "2", "--seed", "7", "--json"));
        Assert.True(create.ExitCode == 0, create.ToString());
        Assert.True(create.Summary().Completed, create.ToString());
        var exportBefore = await ExportTextAsync(dir, db, "keep");
        var statusBefore = await Cli.StatusAsync(dir, db, "keep");

        foreach (var kind in new[] { "missing", "partial", "duplicate" })
        {
            var (table, _) = BadTable(dir, kind);
            foreach (var searchId in new[] { "other", "keep" })
            {
                var result = await ActorNasProcess.RunAsync(dir.Path, TabularRun(db, searchId, table, 20, "--seed", "9"));
                output.WriteLine($"{kind} into {searchId}: {result.ExitCode}: {string.Join(" | ", result.StderrLines)}");
                AssertCleanError(result);
            }
        }

        Assert.Equal(["keep"], await Cli.ListAsync(dir, db));
        Assert.Equal(statusBefore.Json, (await Cli.StatusAsync(dir, db, "keep")).Json);
        Assert.Equal(exportBefore, await ExportTextAsync(dir, db, "keep"));
    }

    [Fact]
    public async Task The_dataset_flag_makes_the_CIFAR100_validation_accuracy_the_objective()
    {
        if (TableIsMissing()) return;
        using var dir = new TempDirectory();
        var db = dir.File("c100.db");

        var run = await ActorNasProcess.RunAsync(dir.Path, TabularRun(db, "c100", TablePath.Value!, 200,
            "--dataset", "cifar100", "--population", "20", "--sample", "5", "--workers", "2", "--seed", "3", "--json"));
        Assert.True(run.ExitCode == 0, run.ToString());
        var status = await Cli.StatusAsync(dir, db, "c100");
        output.WriteLine(status.Json);
        Assert.True(status.Completed, status.Json);
        Assert.Equal(200, status.Evaluated);

        // every objective is the CIFAR-100 validation accuracy of its cell, read from the table here
        var rows = await ExportCsv.ExportAsync(dir, db, "c100");
        var table = TableRows.Value;
        Assert.All(rows, r =>
        {
            Assert.True(table.ContainsKey(r.Genotype), $"{r.Genotype} is not an arch_str of the table");
            Assert.Equal(double.Parse(table[r.Genotype]["cifar100_valid_acc"], CultureInfo.InvariantCulture), r.Objective);
        });
        var best = rows.Where(r => r.IsEvaluated).Max(r => r.Objective!.Value);
        Assert.NotNull(status.Best);
        Assert.Equal(best, status.Best.Objective, 1e-9);
        Assert.Equal(double.Parse(table[status.Best.Genotype]["cifar100_valid_acc"], CultureInfo.InvariantCulture), status.Best.Objective, 1e-9);
        Assert.InRange(status.Best.Objective, 60, 73.4933333577474);   // the table's best CIFAR-100 cell: 73.49
        Assert.Equal(run.Summary().Best, status.Best);
    }

    /// <summary>A table that cannot be used, and what its error line must say.</summary>
    private static (string Path, string[] Expected) BadTable(TempDirectory dir, string kind)
    {
        var lines = File.ReadAllLines(TablePath.Value!);
        switch (kind)
        {
            case "missing":
                return (dir.File("no-such-table.csv"), ["does not exist", "--table"]);
            case "partial":
                return (dir.Write("partial.csv", string.Join('\n', lines.Take(100)) + "\n"), ["partial", "99"]);
            case "duplicate":
                // the complete table with its first row written twice: line 3 repeats line 2
                var arch = lines[1].Split(',')[1];
                var duplicated = lines.Take(2).Append(lines[1]).Concat(lines.Skip(2));
                return (dir.Write("duplicate.csv", string.Join('\n', duplicated) + "\n"), ["line 3", arch, "twice", "line 2"]);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    /// <summary>Exit code 2, exactly one stderr line, "error: ...", no stack trace; returns that line.</summary>
    private static string AssertCleanError(CliResult result)
    {
        Assert.True(result.ExitCode == BadInput, $"expected exit code {BadInput}\n{result}");
        Assert.DoesNotContain(result.StderrLines, l => l.StartsWith("   at ", StringComparison.Ordinal));
        Assert.DoesNotContain("Exception:", result.Stderr, StringComparison.Ordinal);
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        return line;
    }

    private static async Task<string> ExportTextAsync(TempDirectory dir, string db, string searchId)
    {
        var file = dir.File($"{searchId}-{Guid.NewGuid():N}.csv");
        var result = await ActorNasProcess.RunAsync(dir.Path, "export", "--db", db, "--search-id", searchId, "--out", file);
        Assert.True(result.ExitCode == 0, result.ToString());
        return await File.ReadAllTextAsync(file);
    }
}
