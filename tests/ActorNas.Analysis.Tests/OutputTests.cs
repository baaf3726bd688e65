using System.Buffers.Binary;
using ActorNas.Analysis.Output;
using ActorNas.Core;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Events;
using ActorNas.Core.Evolution;
using ActorNas.Core.Simulation;
using ActorNas.Core.Spaces;
using Parquet;
using Parquet.Schema;
using Xunit;

namespace ActorNas.Analysis.Tests;

/// <summary>The figures (valid PNGs of the asked size, also for empty searches) and candidates.parquet (reads back).</summary>
public sealed class OutputTests : IDisposable
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static readonly string[] SectionFigures =
    [
        "quality-over-time.png", "low-quality-share.png", "mutation-positions.png", "prefix-lengths.png", "model-size.png",
        "donor-popularity.png", "donor-tiering.png", "worker-timeline.png", "task-durations.png", "reuse-distance.png", "cache-hit-ratio.png",
    ];

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("actornas-output-tests-");

    public void Dispose() => _directory.Delete(recursive: true);

    private string Dir(string name) => Directory.CreateDirectory(Path.Combine(_directory.FullName, name)).FullName;

    // ---- figures ----

    [Fact]
    public void Every_figure_is_a_png_of_the_asked_size_and_the_list_matches_the_files()
    {
        var (analysis, fold) = Simulate(600, workers: 4, failureRate: 0.2);
        var (other, otherFold) = Simulate(600, workers: 4, mode: SchedulingMode.Batch, id: "batch-search");
        ScheduleSummary[] comparison =
        [
            ScheduleSummary.Of("sim", fold, analysis.Workers, [0.9]),
            ScheduleSummary.Of("batch-search", otherFold, other.Workers, [0.9]),
        ];
        var directory = Dir("full");

        var figures = Figures.Write(analysis, directory, comparison);

        Assert.Equal(SectionFigures.Append("compare-running-best.png"), figures.Select(f => f.FileName));
        Assert.Equal(new[] { 1, 1, 2, 2, 2, 3, 3, 4, 4, 4, 5, 6 }, figures.Select(f => f.Section));
        Assert.Equal(figures.Select(f => f.FileName).Order(StringComparer.Ordinal),
            Directory.GetFiles(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var figure in figures)
        {
            AssertPng(Path.Combine(directory, figure.FileName));
            Assert.False(string.IsNullOrWhiteSpace(figure.Title));
            Assert.DoesNotContain(Figures.NoData, figure.Title, StringComparison.Ordinal);
        }
        var titles = figures.ToDictionary(f => f.FileName, f => f.Title);
        Assert.Contains("0.25 quantile", titles["low-quality-share.png"], StringComparison.Ordinal);
        Assert.Contains($"{analysis.Reuse.ColdRequests:N0} cold", titles["reuse-distance.png"], StringComparison.Ordinal);
        Assert.Contains("600 results", titles["quality-over-time.png"], StringComparison.Ordinal);
    }

    [Fact]
    public void The_comparison_figure_needs_two_searches()
    {
        var (analysis, fold) = Simulate(100, workers: 2);
        var one = Figures.Write(analysis, Dir("none"));
        var single = Figures.Write(analysis, Dir("single"), [ScheduleSummary.Of("sim", fold, analysis.Workers, [0.9])]);
        Assert.Equal(SectionFigures, one.Select(f => f.FileName));
        Assert.Equal(SectionFigures, single.Select(f => f.FileName));
        Assert.False(File.Exists(Path.Combine(_directory.FullName, "single", "compare-running-best.png")));
    }

    [Fact]
    public void An_empty_search_still_gives_valid_pngs_that_say_no_data()
    {
        var fold = Fold(new SearchStarted(Config(budget: 10), Epoch));
        var analysis = SearchAnalysis.Compute("empty", fold, new AnalysisSettings());
        var directory = Dir("empty");
        var empty = ScheduleSummary.Of("empty", fold, analysis.Workers, [0.9]);

        var figures = Figures.Write(analysis, directory, [empty, empty with { SearchId = "empty-2" }]);

        Assert.Equal(12, figures.Count);
        foreach (var figure in figures)
        {
            AssertPng(Path.Combine(directory, figure.FileName));
            Assert.Contains(Figures.NoData, figure.Title, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_single_candidate_gives_valid_pngs_and_no_data_where_there_are_no_mutations_or_donors()
    {
        var genotype = new Genotype([0, 1, 2, 3, 4, 0]);
        var fold = Fold(
            new SearchStarted(Config(budget: 1), Epoch),
            new CandidateProposed(1, null, genotype, null, null, 0, At(0)),
            new CandidateStarted(1, "w1", "n1", 1, At(0.5)),
            new CandidateEvaluated(1, 0.75, null, At(0.5), At(2), "w1", "n1"),
            new SearchCompleted("budget", At(2)));
        var analysis = SearchAnalysis.Compute("one", fold, new AnalysisSettings());
        var directory = Dir("one");

        var figures = Figures.Write(analysis, directory);

        Assert.Equal(SectionFigures, figures.Select(f => f.FileName));
        foreach (var figure in figures) AssertPng(Path.Combine(directory, figure.FileName));
        var titles = figures.ToDictionary(f => f.FileName, f => f.Title);
        foreach (var name in new[] { "mutation-positions.png", "prefix-lengths.png", "donor-popularity.png", "donor-tiering.png" })
            Assert.Contains(Figures.NoData, titles[name], StringComparison.Ordinal);
        foreach (var name in new[] { "quality-over-time.png", "low-quality-share.png", "model-size.png", "worker-timeline.png", "task-durations.png" })
            Assert.DoesNotContain(Figures.NoData, titles[name], StringComparison.Ordinal);
        Assert.Contains("1 results", titles["quality-over-time.png"], StringComparison.Ordinal);
    }

    [Fact]
    public void Large_searches_are_thinned_and_the_titles_say_so()
    {
        var (analysis, _) = Simulate(Figures.MaxBars + 5_000, workers: 8);
        var directory = Dir("large");

        var titles = Figures.Write(analysis, directory).ToDictionary(f => f.FileName, f => f.Title);

        Assert.Contains("every 2nd point drawn", titles["quality-over-time.png"], StringComparison.Ordinal);
        Assert.Contains("every 2nd point drawn", titles["model-size.png"], StringComparison.Ordinal);
        Assert.Contains($"earliest {Figures.MaxBars:N0} bars drawn", titles["worker-timeline.png"], StringComparison.Ordinal);
        foreach (var file in SectionFigures) AssertPng(Path.Combine(directory, file));
    }

    [Fact]
    public void The_timeline_shows_at_most_64_workers_and_says_so()
    {
        var (analysis, _) = Simulate(400, workers: 80);
        var directory = Dir("workers");

        var timeline = Figures.Write(analysis, directory).Single(f => f.FileName == "worker-timeline.png");

        Assert.Contains($"{Figures.MaxWorkers} of 80 workers shown", timeline.Title, StringComparison.Ordinal);
        AssertPng(Path.Combine(directory, timeline.FileName));
    }

    private static void AssertPng(string path)
    {
        Assert.True(File.Exists(path), $"{path} was not written");
        var bytes = File.ReadAllBytes(path);
        Assert.InRange(bytes.Length, 5 * 1024 + 1, 2 * 1024 * 1024 - 1);
        Assert.Equal(PngSignature, bytes[..8]);
        Assert.Equal("IHDR"u8.ToArray(), bytes[12..16]);
        Assert.Equal(Figures.Width, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)));
        Assert.Equal(Figures.Height, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4)));
    }

    // ---- candidates.parquet ----

    [Fact]
    public async Task The_parquet_file_reads_back_with_the_trace()
    {
        var (analysis, fold) = Simulate(500, workers: 4, failureRate: 0.35);
        var records = fold.Trace.Records.ToList();
        Assert.Contains(records, r => r.Objective is null);       // final failures: null objectives
        var path = Path.Combine(_directory.FullName, "candidates.parquet");

        await CandidatesParquet.WriteAsync(analysis, path);

        var table = await ReadAsync(path);
        Assert.Equal(
            new[]
            {
                "id", "parent_id", "genotype", "arch_seq", "mutation_position", "mutation_from", "mutation_to", "objective", "status",
                "worker", "node", "attempts", "proposed_s", "started_s", "finished_s", "transferred_layers", "cache_hit", "children",
                "proposal_index",
            },
            table.Names);
        Assert.Equal(1, table.RowGroups);
        Assert.Equal(records.Count, table.Rows);
        Assert.Equal(records.Select(r => r.Id), table.Column<long>("id"));
        Assert.Equal(records.Select(r => r.ParentId), table.Column<long?>("parent_id"));
        Assert.Contains(table.Column<long?>("parent_id"), p => p is null);
        Assert.Equal(records.Select(r => r.Objective), table.Column<double?>("objective"));
        Assert.Equal(records.Select(r => r.Mutation?.Position), table.Column<int?>("mutation_position"));
        Assert.Equal(records.Select(r => r.Starts), table.Column<int>("attempts"));
        Assert.Equal(records.Select(r => r.Status.ToString().ToLowerInvariant()), table.Column<string?>("status"));
        Assert.Contains("failed", table.Column<string?>("status"));
        Assert.Equal(records.Select(r => fold.Space.Format(r.Genotype)), table.Column<string?>("genotype"));
        Assert.Equal(records.Select(r => "[" + string.Join(", ", r.Genotype) + "]"), table.Column<string?>("arch_seq"));
        Assert.Equal(records.Select(r => r.Worker), table.Column<string?>("worker"));

        var start = fold.Started!.At;
        var finished = table.Column<double?>("finished_s");
        for (var i = 0; i < records.Count; i++)
        {
            if (records[i].FinishedAt is { } f) Assert.Equal((f - start).TotalSeconds, finished[i]!.Value, 9);
            else Assert.Null(finished[i]);
        }
        Assert.Equal(fold.Proposals.Count(p => p.ParentId is not null), table.Column<int>("children").Sum());
        var index = fold.Proposals.ToDictionary(p => p.Id, p => p.Index);
        Assert.Equal(records.Select(r => (int?)index[r.Id]), table.Column<int?>("proposal_index"));
        var children = table.Column<int>("children");
        foreach (var donor in analysis.Donors.Donors.Take(10))
            Assert.Equal(donor.Children, children[records.FindIndex(r => r.Id == donor.Id)]);
    }

    [Fact]
    public async Task An_empty_search_gives_a_parquet_file_with_the_schema_and_no_rows()
    {
        var fold = Fold(new SearchStarted(Config(budget: 10), Epoch));
        var analysis = SearchAnalysis.Compute("empty", fold, new AnalysisSettings());
        var path = Path.Combine(_directory.FullName, "empty.parquet");

        await CandidatesParquet.WriteAsync(analysis, path);

        var table = await ReadAsync(path);
        Assert.Equal(0, table.Rows);
        Assert.Equal(CandidatesParquet.Schema.DataFields.Select(f => f.Name), table.Names);
    }

    [Fact]
    public async Task More_than_100000_candidates_are_written_in_row_groups_of_at_most_100000_rows()
    {
        var (analysis, fold) = Simulate(CandidatesParquet.RowGroupSize + 500, workers: 32);
        var path = Path.Combine(_directory.FullName, "large.parquet");

        await CandidatesParquet.WriteAsync(analysis, path);

        var table = await ReadAsync(path);
        Assert.Equal(2, table.RowGroups);
        Assert.Equal(fold.Trace.Records.Count, table.Rows);
        Assert.Equal(fold.Trace.Records.Select(r => r.Id), table.Column<long>("id"));
        Assert.Equal(fold.Trace.Records.Select(r => r.Objective), table.Column<double?>("objective"));
    }

    /// <summary>A Parquet file read back whole with Parquet.Net's reader: column names and values, row groups concatenated.</summary>
    private sealed record Table(IReadOnlyList<string> Names, int RowGroups, int Rows, IReadOnlyDictionary<string, System.Collections.IList> Columns)
    {
        public List<T> Column<T>(string name) => Columns[name].Cast<T>().ToList();
    }

    private static async Task<Table> ReadAsync(string path)
    {
        await using var reader = await ParquetReader.CreateAsync(path);
        var fields = reader.Schema.DataFields;
        var columns = fields.ToDictionary(f => f.Name, System.Collections.IList (_) => new List<object?>());
        var rows = 0;
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var count = checked((int)group.RowCount);
            rows += count;
            foreach (var field in fields)
            {
                var values = columns[field.Name];
                foreach (var v in await ReadColumnAsync(group, field, count)) values.Add(v);
            }
        }
        return new Table(fields.Select(f => f.Name).ToList(), reader.RowGroupCount, rows, columns);
    }

    private static async Task<System.Collections.IList> ReadColumnAsync(ParquetRowGroupReader group, DataField field, int count)
    {
        async Task<System.Collections.IList> Values<T>() where T : struct
        {
            if (field.IsNullable)
            {
                var nullable = new T?[count];
                await group.ReadAsync<T>(field, nullable.AsMemory());
                return nullable;
            }
            var plain = new T[count];
            await group.ReadAsync<T>(field, plain.AsMemory());
            return plain;
        }

        var type = Nullable.GetUnderlyingType(field.ClrType) ?? field.ClrType;
        if (type == typeof(string) || type == typeof(ReadOnlyMemory<char>))   // Parquet.Net 6 reports UTF-8 columns as characters
        {
            var strings = new string?[count];
            await group.ReadAsync(field, strings.AsMemory());
            return strings;
        }
        if (type == typeof(long)) return await Values<long>();
        if (type == typeof(int)) return await Values<int>();
        if (type == typeof(double)) return await Values<double>();
        if (type == typeof(bool)) return await Values<bool>();
        throw new InvalidOperationException($"unexpected column type {field.ClrType} of {field.Name}");
    }

    // ---- logs ----

    private static readonly DateTimeOffset Epoch = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset At(double seconds) => Epoch.AddTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));

    private static SearchSettings Config(int budget) =>
        new() { Space = new SearchSpaceSpec(Nb201Space.SpaceName), PopulationSize = 5, SampleSize = 2, Budget = budget, Seed = 3 };

    private static LogFold Fold(params ISearchEvent[] events)
    {
        var fold = new LogFold();
        foreach (var e in events) fold.Apply(e);
        return fold;
    }

    /// <summary>A search on the simulated clock (synthetic scores, log-normal durations around 100 ms), folded and analysed.</summary>
    private static (SearchAnalysis Analysis, LogFold Fold) Simulate(int budget, int workers, double failureRate = 0,
        SchedulingMode mode = SchedulingMode.Continuous, string id = "sim")
    {
        var config = new SearchSettings
        {
            Space = new SearchSpaceSpec(Nb201Space.SpaceName), PopulationSize = 50, SampleSize = 10, Budget = budget, Seed = 11,
            Mode = mode, BatchSize = workers, MaxFailures = budget,
        };
        var evaluator = new SyntheticSimulator(new SyntheticSettings(DurationKind.LogNormal, 100, 0.5, failureRate), config.Space.Create());
        var result = SimulatedSearch.Run(config, evaluator, workers);
        var fold = new LogFold();
        foreach (var e in result.Events) fold.Apply(e);
        return (SearchAnalysis.Compute(id, fold, new AnalysisSettings()), fold);
    }
}
