using ActorNas.Actors.Persistence;
using Microsoft.Data.Sqlite;
using Xunit;

namespace ActorNas.Actors.Tests;

/// <summary>
/// What a reader that starts before its search (serve, analyze --follow) is told about the database: a file not created
/// yet is worth waiting for, a path that can never become a log is refused at once.
/// </summary>
public sealed class SqliteFilesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actornas-sqlitefiles-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_file_not_created_yet_or_without_tables_holds_no_journal_yet()
    {
        var path = Path.Combine(_dir, "later.db");
        Assert.False(SqliteFiles.HoldsJournalOnceCreated(path));
        Assert.False(File.Exists(path));   // a reader creates nothing
        File.WriteAllBytes(path, []);
        Assert.False(SqliteFiles.HoldsJournalOnceCreated(path));
    }

    [Fact]
    public void A_file_with_the_journal_table_holds_a_journal()
    {
        var path = Path.Combine(_dir, "search.db");
        SqliteFiles.PrepareForWriting(path, mustExist: false, JournalLayout.JournalTable, JournalLayout.JournalColumns);
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"CREATE TABLE {JournalLayout.JournalTable} ({string.Join(", ", JournalLayout.JournalColumns)})";
            command.ExecuteNonQuery();
        }
        Assert.True(SqliteFiles.HoldsJournalOnceCreated(path));
    }

    [Fact]
    public void A_path_in_a_missing_directory_or_a_file_that_is_not_a_database_is_refused_at_once()
    {
        var missingDirectory = Assert.Throws<StoreException>(() => SqliteFiles.HoldsJournalOnceCreated(Path.Combine(_dir, "no-such-dir", "a.db")));
        Assert.Contains("does not exist", missingDirectory.Message, StringComparison.Ordinal);

        var text = Path.Combine(_dir, "notes.txt");
        File.WriteAllText(text, "these are notes, not a database, and long enough to have a header that SQLite rejects");
        Assert.Throws<StoreException>(() => SqliteFiles.HoldsJournalOnceCreated(text));
    }
}
