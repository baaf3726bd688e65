using ActorNas.Actors.Configuration;
using ActorNas.Actors.Persistence;

namespace ActorNas.Cli.Running;

/// <summary>
/// Where a command may write. Never over a search's database or the files SQLite and ActorNas keep beside it
/// (snapshots, -wal/-shm, locks), compared by real path so a link to them counts as them; never over an existing file
/// without --force. A bad path is bad input (exit 2) with a message that names it and the fix.
/// </summary>
internal static class OutputPaths
{
    /// <summary>A file the command writes (export's CSV); returns its full path.</summary>
    public static string CheckFile(string option, string path, PersistenceSettings store, bool force)
    {
        var full = Path.GetFullPath(path);
        RefuseDatabaseFiles(option, full, store);
        if (Directory.Exists(full))
            throw new SettingsException($"{option} \"{full}\" is a directory; pass a file path such as {Path.Combine(full, "results.csv")}");
        RequireFolder(option, full);
        if (File.Exists(full) && !force)
            throw new SettingsException($"{option} \"{full}\" already exists; pass --force to replace it, or choose another file");
        return full;
    }

    /// <summary>A folder the command fills (analyze's outputs); it may exist or not, but must not be a file.</summary>
    public static string CheckFolder(string option, string path, PersistenceSettings store)
    {
        var full = Path.GetFullPath(path);
        RefuseDatabaseFiles(option, full, store);
        if (File.Exists(full))
            throw new SettingsException($"{option} \"{full}\" is a file; this command writes a folder of outputs there: pass a folder path (created if missing)");
        return full;
    }

    /// <summary>
    /// A new SQLite database the command creates (repair's and backup's copies) with its snapshots file beside it.
    /// Existing files are refused without <paramref name="force"/>; with it they are removed first, unless a running
    /// search holds them.
    /// </summary>
    public static string CheckNewDatabase(string option, string path, PersistenceSettings source, bool force)
    {
        var full = Path.GetFullPath(path);
        var files = CompanionsOf(full).Prepend(full).ToList();
        foreach (var file in files) RefuseDatabaseFiles(option, file, source);
        if (Directory.Exists(full))
            throw new SettingsException($"{option} \"{full}\" is a directory; pass a file path such as {Path.Combine(full, "copy.db")}");
        RequireFolder(option, full);
        var existing = files.Where(File.Exists).ToList();
        if (existing.Count == 0) return full;
        if (!force)
            throw new SettingsException($"{option} \"{existing[0]}\" already exists; pass --force to replace it, or choose another file");
        if (HeldLock(full) is { } held)
            throw new StoreException($"{option} \"{full}\" is in use by a running search (lock {held}); stop it first, or choose another file");
        foreach (var file in existing) File.Delete(file);
        return full;
    }

    /// <summary>The files SQLite and ActorNas keep beside a database.</summary>
    private static IEnumerable<string> CompanionsOf(string db)
    {
        foreach (var file in new[] { db, PersistenceConfig.SnapshotPath(db) })
            foreach (var suffix in new[] { "-wal", "-shm", "-journal" })
                yield return file + suffix;
        yield return PersistenceConfig.SnapshotPath(db);
    }

    private static void RefuseDatabaseFiles(string option, string full, PersistenceSettings store)
    {
        if (store.Provider != PersistenceProvider.Sqlite) return;
        var target = RealPath.Of(full);
        var db = RealPath.Of(store.SqlitePath);
        if (target == db)
            throw new SettingsException($"{option} \"{full}\" is the search's database ({db}); nothing is ever written over it: choose another path");
        var isLock = target.StartsWith(db + ".", StringComparison.Ordinal) && target.EndsWith(".lock", StringComparison.Ordinal);
        if (isLock || CompanionsOf(db).Contains(target))
            throw new SettingsException($"{option} \"{full}\" is a file the search's database keeps beside it ({target}); nothing is ever written over it: choose another path");
    }

    private static void RequireFolder(string option, string full)
    {
        var folder = Path.GetDirectoryName(full);
        if (folder is not null && !Directory.Exists(folder))
            throw new SettingsException($"the folder of {option} \"{full}\" does not exist; create it first");
    }

    /// <summary>A lock file of the database that a live process holds, or null.</summary>
    private static string? HeldLock(string db)
    {
        var folder = Path.GetDirectoryName(db)!;
        foreach (var lockFile in Directory.EnumerateFiles(folder, Path.GetFileName(db) + ".*.lock"))
        {
            try
            {
                using var probe = new FileStream(lockFile, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                return lockFile;
            }
        }
        return null;
    }
}
