namespace ActorNas.Actors.Persistence;

/// <summary>
/// One writer per search: an exclusive lock file beside the SQLite database. The OS releases it when the process
/// dies (also on kill -9), so a crashed search can be resumed at once; a second live writer gets a clear error.
/// The lock sits beside the database's real path: the same file reached through a symbolic link gets the same lock.
/// </summary>
public sealed class SearchLock : IDisposable
{
    private readonly FileStream _stream;
    public string Path { get; }

    private SearchLock(string path, FileStream stream)
    {
        Path = path;
        _stream = stream;
    }

    public static SearchLock Acquire(string dbPath, string searchId)
    {
        var path = PathOf(dbPath, searchId);
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            stream.SetLength(0);
            var pid = System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            stream.Write(pid);
            stream.Flush();
            return new SearchLock(path, stream);
        }
        catch (IOException e) when (e.HResult == SharingViolation)
        {
            throw new StoreException(
                $"search \"{searchId}\" in \"{dbPath}\" is being run by another process (lock {path}); wait for it, or stop it first");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // a read-only file system or folder, a full disk: nothing can be recorded there, so the search does not start
            throw new StoreException($"cannot create the search's lock file {path} beside the database ({e.Message}): the folder " +
                $"holding \"{dbPath}\" must be writable for a search to run; make it writable, or copy the log somewhere writable " +
                $"with `actornas backup --db {dbPath} --out DIR/{System.IO.Path.GetFileName(dbPath)}` and resume from the copy");
        }
    }

    /// <summary>What .NET reports when another process holds the file's lock (ERROR_SHARING_VIOLATION, also on Unix).</summary>
    private const int SharingViolation = unchecked((int)0x80070020);

    /// <summary>The lock file of a search in a database.</summary>
    public static string PathOf(string dbPath, string searchId) => RealPath.Of(dbPath) + "." + searchId + ".lock";

    public void Dispose() => _stream.Dispose();
}
