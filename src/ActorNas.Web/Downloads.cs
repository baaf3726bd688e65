using System.IO.Compression;
using ActorNas.Actors.Query;
using ActorNas.Analysis;
using ActorNas.Analysis.Output;
using ActorNas.Core.Events;

namespace ActorNas.Web;

/// <summary>
/// The page's downloads, each made from the log when asked: candidates.csv, candidates.parquet, and the full analysis
/// (every file `actornas analyze` writes, zipped). They are written to a temporary file that is deleted once sent, so
/// a large export is streamed, not held in memory. One analysis runs at a time: twenty pages asking at once queue up
/// instead of folding the log twenty times side by side.
/// </summary>
internal sealed class Downloads(SearchLog log, string where)
{
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    /// <summary>The file, open for reading and deleted when closed; null when the log has no such search.</summary>
    public Task<FileStream?> CandidatesCsvAsync(string id, CancellationToken cancel) => OneAtATimeAsync(async () =>
    {
        var trace = new CandidateTrace();
        await log.ReadAsync(id, trace.Apply, cancellationToken: cancel).ConfigureAwait(false);
        if (trace.Started is null) return null;
        return await WrittenAsync(".csv", file =>
        {
            CandidatesCsv.Write(trace, file);
            return Task.CompletedTask;
        }).ConfigureAwait(false);
    }, cancel);

    public Task<FileStream?> CandidatesParquetAsync(string id, CancellationToken cancel) => OneAtATimeAsync(async () =>
    {
        if (await FoldAsync(id, cancel).ConfigureAwait(false) is not { } fold) return null;
        return await WrittenAsync(".parquet", file => CandidatesParquet.WriteAsync(SearchAnalysis.Compute(id, fold, new AnalysisSettings()), file))
            .ConfigureAwait(false);
    }, cancel);

    /// <summary>The report, figures and tables of `actornas analyze` with its default settings, as one zip.</summary>
    public Task<FileStream?> AnalysisZipAsync(string id, CancellationToken cancel) => OneAtATimeAsync(async () =>
    {
        if (await FoldAsync(id, cancel).ConfigureAwait(false) is not { } fold) return null;
        var directory = TemporaryPath("");
        try
        {
            await AnalysisWriter.WriteAsync(id, fold, new AnalysisSettings(), directory, [], where).ConfigureAwait(false);
            return await WrittenAsync(".zip", zip =>
            {
                ZipFile.CreateFromDirectory(directory, zip, CompressionLevel.Fastest, includeBaseDirectory: false);
                return Task.CompletedTask;
            }).ConfigureAwait(false);
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }, cancel);

    private async Task<LogFold?> FoldAsync(string id, CancellationToken cancel)
    {
        var fold = new LogFold();
        var count = await log.ReadWithSequenceNrsAsync(id, fold.Apply, cancellationToken: cancel).ConfigureAwait(false);
        return count == 0 || fold.Started is null ? null : fold;
    }

    private async Task<FileStream?> OneAtATimeAsync(Func<Task<FileStream?>> make, CancellationToken cancel)
    {
        await _oneAtATime.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            return await make().ConfigureAwait(false);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private static string TemporaryPath(string extension) => Path.Combine(Path.GetTempPath(), $"actornas-web-{Guid.NewGuid():N}{extension}");

    /// <summary>Writes a temporary file and opens it to be deleted when closed; a failed write leaves no file behind.</summary>
    private static async Task<FileStream> WrittenAsync(string extension, Func<string, Task> write)
    {
        var file = TemporaryPath(extension);
        try
        {
            await write(file).ConfigureAwait(false);
            return new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Delete, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        }
        catch
        {
            File.Delete(file);
            throw;
        }
    }
}
