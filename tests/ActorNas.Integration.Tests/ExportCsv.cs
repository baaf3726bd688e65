using System.Globalization;
using System.Text;

namespace ActorNas.Integration.Tests;

/// <summary>One row of `actornas export --format csv`.</summary>
internal sealed record ExportRow(IReadOnlyDictionary<string, string> Cells)
{
    public long JobId => long.Parse(Cells["job_id"], CultureInfo.InvariantCulture);

    public string Status => Cells["status"];

    public string Genotype => Cells["genotype"];

    /// <summary>The objective exactly as written (round-trip format), or null when empty.</summary>
    public string? ObjectiveText => Cells["objective"] is { Length: > 0 } o ? o : null;

    public double? Objective => ObjectiveText is { } o ? double.Parse(o, CultureInfo.InvariantCulture) : null;

    public bool IsEvaluated => Status == "evaluated";
}

/// <summary>Reads the CSV that `actornas export` writes (RFC 4180 quoting).</summary>
internal static class ExportCsv
{
    public static readonly string[] ExpectedColumns =
    [
        "job_id", "parent_id", "arch_seq", "genotype", "mutation_position", "mutation_from", "mutation_to", "objective",
        "status", "worker", "node", "attempts", "started_at", "finished_at",
        "m:timestamp_submit", "m:timestamp_start", "m:timestamp_end",
    ];

    /// <summary>Runs `actornas export` for one search into a fresh file and reads it back.</summary>
    public static async Task<IReadOnlyList<ExportRow>> ExportAsync(TempDirectory dir, string db, string searchId)
    {
        var file = dir.File($"export-{searchId}-{Guid.NewGuid():N}.csv");
        var result = await ActorNasProcess.RunAsync(dir.Path, "export", "--db", db, "--search-id", searchId, "--format", "csv", "--out", file);
        Assert.True(result.ExitCode == 0, result.ToString());
        var rows = Read(file);
        File.Delete(file);
        return rows;
    }

    /// <summary>The header of a CSV file, in order.</summary>
    public static IReadOnlyList<string> Header(string path)
    {
        var records = Parse(File.ReadAllText(path, Encoding.UTF8));
        Assert.NotEmpty(records);
        return records[0];
    }

    /// <param name="path">The CSV file.</param>
    /// <param name="extraColumns">
    /// Columns that must close the header after the metric:* columns (`actornas analyze`'s candidates.csv adds its
    /// own); none for the export.
    /// </param>
    public static IReadOnlyList<ExportRow> Read(string path, IReadOnlyList<string>? extraColumns = null)
    {
        var records = Parse(File.ReadAllText(path, Encoding.UTF8));
        Assert.NotEmpty(records);
        var header = records[0];
        var extras = extraColumns ?? [];
        Assert.True(header.Count >= ExpectedColumns.Length + extras.Count, $"header of {path}: {string.Join(',', header)}");
        Assert.Equal(ExpectedColumns, header.Take(ExpectedColumns.Length));
        Assert.Equal(extras, header.Skip(header.Count - extras.Count));
        Assert.All(header.Skip(ExpectedColumns.Length).Take(header.Count - ExpectedColumns.Length - extras.Count),
            c => Assert.StartsWith("metric:", c, StringComparison.Ordinal));
        Assert.Equal(header.Count, header.Distinct().Count());
        var rows = new List<ExportRow>(records.Count - 1);
        for (var i = 1; i < records.Count; i++)
        {
            var record = records[i];
            Assert.True(record.Count == header.Count, $"row {i} of {path} has {record.Count} cells, the header {header.Count}: {string.Join(',', record)}");
            rows.Add(new ExportRow(header.Zip(record).ToDictionary(p => p.Item1, p => p.Item2)));
        }
        return rows;
    }

    /// <summary>Every record of a CSV file (header first), cells unquoted.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> ReadRecords(string path) => Parse(File.ReadAllText(path, Encoding.UTF8));

    private static List<List<string>> Parse(string text)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        var any = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                    else quoted = false;
                }
                else cell.Append(c);
                continue;
            }
            switch (c)
            {
                case '"': quoted = true; any = true; break;
                case ',': record.Add(cell.ToString()); cell.Clear(); any = true; break;
                case '\r': break;
                case '\n':
                    record.Add(cell.ToString()); cell.Clear();
                    records.Add(record); record = []; any = false;
                    break;
                default: cell.Append(c); any = true; break;
            }
        }
        if (any || cell.Length > 0)
        {
            record.Add(cell.ToString());
            records.Add(record);
        }
        return records;
    }
}
