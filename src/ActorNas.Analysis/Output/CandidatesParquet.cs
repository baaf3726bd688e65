using ActorNas.Core.Events;
using Parquet;
using Parquet.Schema;

namespace ActorNas.Analysis.Output;

/// <summary>
/// candidates.parquet: one row per candidate in id order, with typed columns (the CSV's content for notebooks that
/// read Parquet, plus what the analysis knows of each candidate: its children and its place in the proposal order).
/// Times are seconds since the search started. Written in row groups of at most <see cref="RowGroupSize"/> rows: Parquet.Net
/// encodes a row group's columns in arrays it rents from the shared array pools, which keep them (and the strings they
/// still point to) after the file is written, so the row group bounds what writing the file leaves behind (about 50 MB
/// with 100,000-row groups, a tenth of it with 10,000).
/// </summary>
public static class CandidatesParquet
{
    public const int RowGroupSize = 10_000;

    public static readonly DataField<long> Id = new("id", false);
    public static readonly DataField<long?> ParentId = new("parent_id");
    public static readonly DataField<string> Genotype = new("genotype", false);
    public static readonly DataField<string> ArchSeq = new("arch_seq", false);
    public static readonly DataField<int?> MutationPosition = new("mutation_position");
    public static readonly DataField<int?> MutationFrom = new("mutation_from");
    public static readonly DataField<int?> MutationTo = new("mutation_to");
    public static readonly DataField<double?> Objective = new("objective");
    public static readonly DataField<string> Status = new("status", false);
    public static readonly DataField<string> Worker = new("worker", true);
    public static readonly DataField<string> Node = new("node", true);
    public static readonly DataField<int> Attempts = new("attempts", false);
    public static readonly DataField<double?> ProposedSeconds = new("proposed_s");
    public static readonly DataField<double?> StartedSeconds = new("started_s");
    public static readonly DataField<double?> FinishedSeconds = new("finished_s");
    public static readonly DataField<int> TransferredLayers = new("transferred_layers", false);
    public static readonly DataField<bool?> CacheHit = new("cache_hit");
    public static readonly DataField<int> Children = new("children", false);
    public static readonly DataField<int?> ProposalIndex = new("proposal_index");

    public static readonly ParquetSchema Schema = new(
        Id, ParentId, Genotype, ArchSeq, MutationPosition, MutationFrom, MutationTo, Objective, Status, Worker, Node, Attempts,
        ProposedSeconds, StartedSeconds, FinishedSeconds, TransferredLayers, CacheHit, Children, ProposalIndex);

    /// <summary>
    /// Parquet.Net encodes columns in pooled streams whose pool keeps, unless told otherwise, every buffer it ever handed
    /// out for the life of the process (some 70 MB after 100,000 rows, held through the figures that follow); a few
    /// megabytes of free buffers are enough for the next row group's reuse.
    /// </summary>
    private static readonly ParquetOptions Options = new() { MaximumSmallPoolFreeBytes = PoolFreeBytes, MaximumLargePoolFreeBytes = PoolFreeBytes };

    private const int PoolFreeBytes = 4 << 20;

    public static async Task WriteAsync(SearchAnalysis analysis, string path)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        var fold = analysis.Fold;
        var start = fold.Started?.At ?? fold.Trace.Started?.At
            ?? throw new InvalidOperationException($"search {analysis.SearchId} has no SearchStarted event");
        var space = fold.Space;
        var children = analysis.Donors.Donors.ToDictionary(d => d.Id, d => d.Children);
        var proposalIndex = fold.ProposalsById;
        var records = fold.Trace.Records;

        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        var stream = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, useAsync: false);
        await using (stream.ConfigureAwait(false))
        {
            var writer = await ParquetWriter.CreateAsync(Schema, stream, Options).ConfigureAwait(false);
            await using (writer.ConfigureAwait(false))
            {
                // at least one row group, so that an empty search still gives a file with the schema
                var chunks = records.Count == 0 ? [[]] : records.Chunk(RowGroupSize);
                foreach (var chunk in chunks)
                    await WriteRowGroupAsync(writer, chunk, space, start, children, proposalIndex).ConfigureAwait(false);
            }
        }
    }

    private static async Task WriteRowGroupAsync(ParquetWriter writer, CandidateRecord[] rows, Core.Spaces.ISearchSpace space,
        DateTimeOffset start, Dictionary<long, int> children, IReadOnlyDictionary<long, Proposal> proposalIndex)
    {
        double? Seconds(DateTimeOffset? at) => at is { } t ? (t - start).TotalSeconds : null;
        T[] Column<T>(Func<CandidateRecord, T> cell)
        {
            var values = new T[rows.Length];
            for (var i = 0; i < rows.Length; i++) values[i] = cell(rows[i]);
            return values;
        }

        using var group = writer.CreateRowGroup();
        await group.WriteAsync<long>(Id, Column(r => r.Id)).ConfigureAwait(false);
        await group.WriteAsync<long>(ParentId, Column(r => r.ParentId)).ConfigureAwait(false);
        await group.WriteAsync(Genotype, Column(r => space.Format(r.Genotype))).ConfigureAwait(false);
        await group.WriteAsync(ArchSeq, Column(r => "[" + string.Join(", ", r.Genotype) + "]")).ConfigureAwait(false);
        await group.WriteAsync<int>(MutationPosition, Column(r => r.Mutation?.Position)).ConfigureAwait(false);
        await group.WriteAsync<int>(MutationFrom, Column(r => r.Mutation?.From)).ConfigureAwait(false);
        await group.WriteAsync<int>(MutationTo, Column(r => r.Mutation?.To)).ConfigureAwait(false);
        await group.WriteAsync<double>(Objective, Column(r => r.Objective)).ConfigureAwait(false);
        await group.WriteAsync(Status, Column(r => r.Status.ToString().ToLowerInvariant())).ConfigureAwait(false);
        await group.WriteAsync(Worker, Column(r => r.Worker)!).ConfigureAwait(false);
        await group.WriteAsync(Node, Column(r => r.Node)!).ConfigureAwait(false);
        await group.WriteAsync<int>(Attempts, Column(r => r.Starts)).ConfigureAwait(false);
        await group.WriteAsync<double>(ProposedSeconds, Column(r => Seconds(r.ProposedAt))).ConfigureAwait(false);
        await group.WriteAsync<double>(StartedSeconds, Column(r => Seconds(r.StartedAt))).ConfigureAwait(false);
        await group.WriteAsync<double>(FinishedSeconds, Column(r => Seconds(r.FinishedAt))).ConfigureAwait(false);
        await group.WriteAsync<int>(TransferredLayers, Column(r => r.TransferredLayers)).ConfigureAwait(false);
        await group.WriteAsync<bool>(CacheHit, Column(r => r.CacheHit)).ConfigureAwait(false);
        await group.WriteAsync<int>(Children, Column(r => children.GetValueOrDefault(r.Id))).ConfigureAwait(false);
        await group.WriteAsync<int>(ProposalIndex, Column(r => proposalIndex.TryGetValue(r.Id, out var proposal) ? proposal.Index : (int?)null))
            .ConfigureAwait(false);
        group.CompleteValidate();
    }
}
