using System.Globalization;
using Microsoft.Data.Sqlite;

namespace ActorNas.Benchmarks;

/// <summary>What one fault scenario of the `faults` benchmark measured.</summary>
/// <param name="Survived">The fault ended as documented (exit code and message, or healed) and the search, resumed
/// where needed, ended with exactly its budget.</param>
/// <param name="LostEvents">Results recorded before the fault that the finished search lacks or changed.</param>
/// <param name="DuplicateCandidates">Candidate ids the finished search holds more than once.</param>
/// <param name="SecondsToClearError">From the fault's onset to the process ending with its message; null where the
/// scenario has no error to wait for.</param>
internal sealed record FaultOutcome(string Name, bool Survived, int LostEvents, int DuplicateCandidates, double? SecondsToClearError, string Note);

/// <summary>The `actornas` commands a scenario runs against one log (a SQLite file, or PostgreSQL through --config).</summary>
internal sealed class FaultLog(string workDir, string searchId, string[] where)
{
    public string SearchId => searchId;

    public string[] Where => where;

    public string WorkDir => workDir;

    public string[] Run(int budget, int seed, params string[] more) =>
    [
        "run", "--evaluator", "synthetic", "--budget", budget.ToString(CultureInfo.InvariantCulture), "--seed",
        seed.ToString(CultureInfo.InvariantCulture), "--workers", "4", "--search-id", searchId, "--json", .. where, .. more,
    ];

    public string[] Resume(params string[] more) => ["resume", "--search-id", searchId, "--json", .. where, .. more];

    /// <summary>candidate id -> objective as exported (empty for candidates not evaluated), from `export --format csv`.</summary>
    public async Task<List<(long Id, string Status, string Objective)>> ExportAsync()
    {
        var file = Path.Combine(workDir, $"export-{Guid.NewGuid():N}.csv");
        using var export = await CliRun.RunAsync(workDir, TimeSpan.FromMinutes(2), ["export", "--search-id", searchId, "--format", "csv", "--out", file, .. where]);
        if (export.ExitCode != 0) throw new BenchmarkFailedException("export failed: " + export);
        var lines = File.ReadAllLines(file);
        File.Delete(file);
        var header = lines[0].Split(',');
        int Column(string name) => Array.IndexOf(header, name);
        var (id, status, objective) = (Column("job_id"), Column("status"), Column("objective"));
        return lines.Skip(1).Select(Cells)
            .Select(c => (long.Parse(c[id], CultureInfo.InvariantCulture), c[status], c[objective])).ToList();
    }

    /// <summary>The cells of one CSV line (RFC 4180 quotes; the export writes no line breaks inside a cell).</summary>
    private static List<string> Cells(string line)
    {
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; }
            else if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) { cells.Add(cell.ToString()); cell.Clear(); }
            else cell.Append(c);
        }
        cells.Add(cell.ToString());
        return cells;
    }

    public async Task<long> EvaluatedAsync()
    {
        using var status = await CliRun.RunAsync(workDir, TimeSpan.FromMinutes(1), ["status", "--search-id", searchId, "--json", .. where]);
        return status.ExitCode == 0 ? status.SummaryNumber("evaluated") ?? 0 : 0;
    }

    /// <summary>Polls `status` until the running search's log holds <paramref name="count"/> evaluations.</summary>
    public async Task WaitForEvaluatedAsync(CliRun run, long count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (await EvaluatedAsync() < count)
        {
            if (run.HasExited) throw new BenchmarkFailedException("the search ended early: " + run);
            if (DateTime.UtcNow > deadline) throw new BenchmarkFailedException($"fewer than {count} evaluated after 2 minutes");
            await Task.Delay(200);
        }
    }

    /// <summary>Compares the finished search with the results exported before the fault.</summary>
    public async Task<(bool Exact, int Lost, int Duplicates)> CheckAsync(int budget, IReadOnlyList<(long Id, string Status, string Objective)> before)
    {
        var rows = await ExportAsync();
        var duplicates = rows.Count - rows.Select(r => r.Id).Distinct().Count();
        var now = rows.GroupBy(r => r.Id).ToDictionary(g => g.Key, g => g.First().Objective);
        var lost = before.Count(b => b.Status == "evaluated" && (!now.TryGetValue(b.Id, out var o) || o != b.Objective));
        // ids need not run 1..budget without a gap: a mutant's id is reserved when its mutation is asked for, and a
        // log cut between two proposals (a crash, a repair) can hold the later one only; the earlier id is never used
        var exact = rows.Count == budget && rows.All(r => r.Status == "evaluated");
        if (!exact)
            Console.WriteLine($"  note: {searchId}: {rows.Count} candidates, ids up to {rows.Max(r => r.Id)}, statuses " +
                string.Join(", ", rows.GroupBy(r => r.Status).Select(g => $"{g.Key} {g.Count()}")) + $"; the budget is {budget}");
        return (exact && duplicates == 0 && lost == 0, lost, duplicates);
    }

    /// <summary>Overwrites one row of a SQLite journal or snapshot table with bytes no serializer reads.</summary>
    public static void Damage(string file, string table, string column, long sequenceNr, string searchId)
    {
        using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        connection.Open();
        using var update = connection.CreateCommand();
        update.CommandText = $"UPDATE {table} SET {column} = X'FFFE00' WHERE persistence_id = $id AND sequence_number = $nr";
        update.Parameters.AddWithValue("$id", "search-" + searchId);
        update.Parameters.AddWithValue("$nr", sequenceNr);
        if (update.ExecuteNonQuery() != 1) throw new BenchmarkFailedException($"no {table} row {sequenceNr} to damage in {file}");
    }

    public static long Scalar(string file, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
