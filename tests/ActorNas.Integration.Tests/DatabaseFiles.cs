using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace ActorNas.Integration.Tests;

/// <summary>
/// Looks at and damages search databases underneath ActorNas, with plain SQLite: row counts while a search runs,
/// overwritten rows, and SHA-256 fingerprints that show a command left the files as they were.
/// </summary>
internal static class DatabaseFiles
{
    /// <summary>The SHA-256 of a database, its snapshots file and (when present) their -wal files.</summary>
    internal sealed record Fingerprint(string Db, IReadOnlyDictionary<string, string?> Hashes)
    {
        /// <summary>
        /// Every file is as it was. An empty -wal file carries nothing: SQLite's read-only connection to a WAL database
        /// creates one (and its -shm index) and cannot remove it, and a writer's last connection removes it.
        /// </summary>
        public void AssertUnchanged(string after)
        {
            foreach (var (file, hash) in Hashes)
            {
                var carriesNothing = hash is null || hash == EmptyHash;
                if (!carriesNothing) Assert.True(File.Exists(file) && hash == Hash(file), $"{Path.GetFileName(file)} changed {after}");
                else if (File.Exists(file)) Assert.True(new FileInfo(file).Length == 0, $"{Path.GetFileName(file)} has content now, {after}");
            }
        }
    }

    public static Fingerprint Take(string db)
    {
        var files = new[] { db, db + "-wal", db + ".snapshots", db + ".snapshots-wal" };
        return new Fingerprint(db, files.ToDictionary(f => f, f => File.Exists(f) ? Hash(f) : null));
    }

    private static readonly string EmptyHash = Convert.ToHexString(SHA256.HashData([]));

    private static string Hash(string file) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));

    private static string PersistenceId(string searchId) => "search-" + searchId;

    private static SqliteConnection Open(string file, bool readOnly)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = file, Pooling = false, Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWrite,
        }.ToString());
        connection.Open();
        return connection;
    }

    private static object? Scalar(string file, bool readOnly, string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = Open(file, readOnly);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return command.ExecuteScalar();
    }

    /// <summary>The payloads of the search's journal rows with <paramref name="manifest"/>, in sequence order.</summary>
    public static IReadOnlyList<byte[]> EventPayloads(string db, string searchId, string manifest)
    {
        using var connection = Open(db, readOnly: true);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT message FROM journal WHERE persistence_id = $p AND manifest = $m ORDER BY sequence_number";
        command.Parameters.AddWithValue("$p", PersistenceId(searchId));
        command.Parameters.AddWithValue("$m", manifest);
        using var reader = command.ExecuteReader();
        var payloads = new List<byte[]>();
        while (reader.Read()) payloads.Add((byte[])reader[0]);
        return payloads;
    }

    public static long HighestSequenceNr(string db, string searchId) =>
        Convert.ToInt64(Scalar(db, true, "SELECT COALESCE(MAX(sequence_number), 0) FROM journal WHERE persistence_id = $p", ("$p", PersistenceId(searchId))),
            System.Globalization.CultureInfo.InvariantCulture);

    public static long LatestSnapshot(string db, string searchId) =>
        !File.Exists(db + ".snapshots") ? 0
        : Convert.ToInt64(Scalar(db + ".snapshots", true, "SELECT COALESCE(MAX(sequence_number), 0) FROM snapshot WHERE persistence_id = $p",
            ("$p", PersistenceId(searchId))), System.Globalization.CultureInfo.InvariantCulture);

    public static string ManifestAt(string db, string searchId, long sequenceNr) =>
        (string)Scalar(db, true, "SELECT manifest FROM journal WHERE persistence_id = $p AND sequence_number = $s",
            ("$p", PersistenceId(searchId)), ("$s", sequenceNr))!;

    /// <summary>Overwrites one event's bytes with something that is not an event (what a disk error or a stray write leaves).</summary>
    public static void CorruptEvent(string db, string searchId, long sequenceNr) =>
        Assert.Equal(1, Execute(db, "UPDATE journal SET message = X'00FF7B2267617262616765' WHERE persistence_id = $p AND sequence_number = $s",
            searchId, sequenceNr));

    public static void CorruptSnapshot(string db, string searchId, long sequenceNr) =>
        Assert.Equal(1, Execute(db + ".snapshots", "UPDATE snapshot SET snapshot = X'7B7D5B' WHERE persistence_id = $p AND sequence_number = $s",
            searchId, sequenceNr));

    private static int Execute(string file, string sql, string searchId, long sequenceNr)
    {
        using var connection = Open(file, readOnly: false);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$p", PersistenceId(searchId));
        command.Parameters.AddWithValue("$s", sequenceNr);
        return command.ExecuteNonQuery();
    }

    /// <summary>Waits until the running search has a snapshot and at least <paramref name="events"/> events.</summary>
    public static async Task WaitForAsync(string db, string searchId, long events, bool snapshot, ActorNasProcess process, TimeSpan max)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(process.HasExited, $"the search ended before it had {events} events{(snapshot ? " and a snapshot" : "")}");
            try
            {
                if (File.Exists(db) && HighestSequenceNr(db, searchId) >= events && (!snapshot || LatestSnapshot(db, searchId) > 0)) return;
            }
            catch (SqliteException)
            {
                // the tables are not created yet
            }
            Assert.True(clock.Elapsed < max, $"no {events} events{(snapshot ? " and a snapshot" : "")} within {max.TotalSeconds:F0} s");
            await Task.Delay(100);
        }
    }
}
