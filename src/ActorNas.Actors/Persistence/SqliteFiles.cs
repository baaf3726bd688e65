using Microsoft.Data.Sqlite;

namespace ActorNas.Actors.Persistence;

/// <summary>
/// Checks an SQLite file before ActorNas uses it. Readers open it read-only and change nothing (no tables, no WAL
/// switch); writers refuse a database that already belongs to another program before touching it.
/// </summary>
public static class SqliteFiles
{
    /// <summary>A read-only connection string: SQLite refuses every write through it.</summary>
    public static string ReadOnlyConnectionString(string path) =>
        new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false, DefaultTimeout = 30 }.ToString();

    /// <summary>
    /// For commands that only read: the file must exist and be an SQLite database; true when it holds an ActorNas
    /// journal (false: it holds no search, whatever else it holds). Nothing is written.
    /// </summary>
    public static bool HoldsJournal(string path)
    {
        var full = CheckPath(path, mustExist: true);
        return Open(full, readOnly: true, connection => HasTable(connection, JournalLayout.JournalTable, JournalLayout.JournalColumns));
    }

    /// <summary>
    /// For readers started before the search that creates the file (serve, analyze --follow): a file that does not
    /// exist yet holds no journal yet; a path in a missing directory or a file that is not a database is still refused.
    /// </summary>
    public static bool HoldsJournalOnceCreated(string path)
    {
        var full = CheckPath(path, mustExist: false);
        return File.Exists(full) && HoldsJournal(full);
    }

    /// <summary>
    /// For commands that write: the file may be missing (it is created) or empty, or hold ActorNas's tables
    /// (<paramref name="table"/> with its <paramref name="columns"/>); a database with other tables only is another
    /// program's, and is refused before anything is written to it. Then the file is switched to WAL.
    /// </summary>
    public static void PrepareForWriting(string path, bool mustExist, string table, IReadOnlyList<string> columns)
    {
        var full = CheckPath(path, mustExist);
        EnsureWritable(full);
        Open(full, readOnly: false, connection =>
        {
            var tables = Tables(connection);
            if (tables.Count > 0 && !HasTable(connection, table, columns))
                throw new StoreException($"\"{full}\" is a database of another program (tables: {string.Join(", ", tables.Take(8))}" +
                    $"{(tables.Count > 8 ? ", ..." : "")}), not an ActorNas log; ActorNas leaves it as it is. Pass a new --db path");
            // the journal needs WAL for throughput and the plugin cannot set it; it is a property of the file
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL;";
            command.ExecuteScalar();
            return true;
        });
    }

    /// <summary>
    /// A writer writes the file and creates its -wal, -shm and lock files beside it: on a read-only file system, in a
    /// folder or of a file this user cannot write, SQLite would only say "unable to open database file".
    /// </summary>
    private static void EnsureWritable(string full)
    {
        var probe = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.write-check");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
            if (File.Exists(full))
                using (new FileStream(full, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreException($"\"{full}\" cannot be written ({e.Message}): a search writes its log there and creates files " +
                "beside it; make the file and its folder writable for this user, or copy the log somewhere writable with " +
                $"`actornas backup --db {full} --out DIR/{Path.GetFileName(full)}` and use the copy");
        }
    }

    private static string CheckPath(string path, bool mustExist)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new StoreException($"--db \"{full}\" is a directory; pass a file path such as {Path.Combine(full, "actornas.db")}");
        if (mustExist && !File.Exists(full))
            throw new StoreException($"no database at \"{full}\"; check --db (a search is created with `actornas run`)");
        var directory = Path.GetDirectoryName(full);
        if (directory is not null && !Directory.Exists(directory))
            throw new StoreException($"the directory of --db \"{full}\" does not exist; create it first");
        return full;
    }

    private static T Open<T>(string full, bool readOnly, Func<SqliteConnection, T> use)
    {
        try
        {
            using var connection = new SqliteConnection(readOnly ? ReadOnlyConnectionString(full) : PersistenceConfig.SqliteConnectionString(full));
            connection.Open();
            Tables(connection);   // reads the schema: a file that is not a database fails here
            return use(connection);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 26)
        {
            throw new StoreException($"\"{full}\" is not an SQLite database (or it is corrupt); pass another --db path");
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6)
        {
            throw new StoreException($"\"{full}\" is locked by another process; wait for it to finish or use another --db");
        }
        catch (SqliteException e)
        {
            throw new StoreException($"cannot open \"{full}\" as an SQLite database: {e.Message}");
        }
    }

    private static List<string> Tables(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read()) names.Add(reader.GetString(0));
        return names;
    }

    private static bool HasTable(SqliteConnection connection, string table, IReadOnlyList<string> columns)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM pragma_table_info($table)";
        command.Parameters.AddWithValue("$table", table);
        using var reader = command.ExecuteReader();
        var present = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.Read()) present.Add(reader.GetString(0));
        return columns.All(present.Contains);
    }
}
