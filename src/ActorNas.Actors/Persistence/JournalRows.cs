using System.Data.Common;
using System.Runtime.CompilerServices;
using ActorNas.Actors.Configuration;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ActorNas.Actors.Persistence;

/// <summary>One journal row as stored: its bytes are not yet read as an event.</summary>
public sealed record JournalRow(long SequenceNr, string? Manifest, int? SerializerId, byte[] Payload);

/// <summary>
/// Reads a search's journal rows with plain ADO.NET, underneath Akka: where the read journal stops at the first row it
/// cannot deserialize, this sees every row, so that a damaged log can be diagnosed, repaired, or exported in part.
/// SQLite is opened read-only; nothing is ever written through this class.
/// </summary>
public sealed class JournalRows
{
    private readonly PersistenceSettings _settings;

    public JournalRows(PersistenceSettings settings)
    {
        if (settings.Provider == PersistenceProvider.InMemory)
            throw new ArgumentException("an in-memory journal has no rows to read", nameof(settings));
        _settings = settings;
    }

    /// <summary>Where the log lives, for messages: the SQLite path, or PostgreSQL's host and database (never the password).</summary>
    public string Where => Describe(_settings);

    public static string Describe(PersistenceSettings settings) => settings.Provider switch
    {
        PersistenceProvider.Sqlite => Path.GetFullPath(settings.SqlitePath),
        PersistenceProvider.PostgreSql => new NpgsqlConnectionStringBuilder(settings.PostgresConnectionString) is var b
            ? $"PostgreSQL database {b.Database} on {b.Host}:{b.Port}" : "PostgreSQL",
        _ => "memory",
    };

    /// <summary>The rows of a search, in sequence order, up to <paramref name="toSequenceNr"/>.</summary>
    public IAsyncEnumerable<JournalRow> ReadAsync(string searchId, long toSequenceNr = long.MaxValue, CancellationToken cancellationToken = default) =>
        ReadAsync(searchId, 0, toSequenceNr, cancellationToken);

    /// <summary>
    /// The rows of a search from <paramref name="fromSequenceNr"/> to <paramref name="toSequenceNr"/>, in sequence order:
    /// one query whose rows are streamed as the provider reads them (a seek in the journal's (persistence_id,
    /// sequence_number) key, then a range scan), so a long log is read at the provider's speed, not in pages.
    /// </summary>
    public IAsyncEnumerable<JournalRow> ReadAsync(string searchId, long fromSequenceNr, long toSequenceNr, CancellationToken cancellationToken = default) =>
        QueryAsync(searchId, fromSequenceNr, toSequenceNr, limit: null, cancellationToken);

    /// <summary>Rows per query of <see cref="ReadInBatchesAsync"/>: a few megabytes held at a time.</summary>
    public const int ReadBatch = 10_000;

    /// <summary>
    /// The same rows as <see cref="ReadAsync(string, long, long, CancellationToken)"/>, read in queries of at most
    /// <paramref name="batchSize"/> rows, each read whole and its connection closed before its rows are handed on. A
    /// long read (export or analyze of a search that is still running) then holds a read transaction only while one
    /// batch is read, not while the caller works through everything: in SQLite an open read transaction stops the
    /// running search's write-ahead log from being checkpointed, so it would grow for as long as the read lasts.
    /// </summary>
    public async IAsyncEnumerable<JournalRow> ReadInBatchesAsync(string searchId, long fromSequenceNr, long toSequenceNr,
        int batchSize = ReadBatch, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var batch = new List<JournalRow>(Math.Min(batchSize, 1024));
        var next = fromSequenceNr;
        while (next <= toSequenceNr)
        {
            batch.Clear();
            await foreach (var row in QueryAsync(searchId, next, toSequenceNr, batchSize, cancellationToken).ConfigureAwait(false))
                batch.Add(row);
            foreach (var row in batch) yield return row;
            if (batch.Count < batchSize || batch[^1].SequenceNr == long.MaxValue) yield break;
            next = batch[^1].SequenceNr + 1;
        }
    }

    private async IAsyncEnumerable<JournalRow> QueryAsync(string searchId, long fromSequenceNr, long toSequenceNr, int? limit,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = Connect();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT sequence_number, manifest, identifier, message FROM {JournalLayout.JournalTable} " +
            "WHERE persistence_id = @pid AND sequence_number >= @from AND sequence_number <= @to AND deleted = @deleted ORDER BY sequence_number" +
            (limit is null ? "" : " LIMIT @limit");
        Add(command, "@pid", PersistenceConfig.PersistenceId(searchId));
        Add(command, "@from", fromSequenceNr);
        Add(command, "@to", toSequenceNr);
        Add(command, "@deleted", false);
        if (limit is { } rows) Add(command, "@limit", rows);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new JournalRow(
                reader.GetInt64(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetInt32(2),
                reader.IsDBNull(3) ? [] : (byte[])reader.GetValue(3));
        }
    }

    /// <summary>The highest sequence number of a search (0 when it has no rows).</summary>
    public async Task<long> HighestSequenceNrAsync(string searchId, CancellationToken cancellationToken = default)
    {
        await using var connection = Connect();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT MAX(sequence_number) FROM {JournalLayout.JournalTable} WHERE persistence_id = @pid";
        Add(command, "@pid", PersistenceConfig.PersistenceId(searchId));
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is null or DBNull ? 0 : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Every persistence id in the journal, sorted (ordinal in SQLite, the database's collation in PostgreSQL). Each is
    /// one seek in the journal's (persistence_id, sequence_number) index: the cost grows with the number of searches,
    /// not with their events (a DISTINCT over the journal reads every row: seconds at a million evaluations).
    /// </summary>
    public async Task<IReadOnlyList<string>> PersistenceIdsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = Connect();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT MIN(persistence_id) FROM {JournalLayout.JournalTable} WHERE persistence_id > @after AND deleted = @deleted";
        var after = command.CreateParameter();
        after.ParameterName = "@after";
        after.Value = "";
        command.Parameters.Add(after);
        Add(command, "@deleted", false);
        var ids = new List<string>();
        while (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string id)
        {
            ids.Add(id);
            after.Value = id;
        }
        return ids;
    }

    /// <summary>True when the PostgreSQL database holds ActorNas's journal table (a reader never creates it).</summary>
    public static bool PostgresHoldsJournal(string connectionString)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT to_regclass('{JournalLayout.JournalTable}') IS NOT NULL";
        return command.ExecuteScalar() is true;
    }

    private DbConnection Connect() => _settings.Provider == PersistenceProvider.Sqlite
        ? new SqliteConnection(SqliteFiles.ReadOnlyConnectionString(_settings.SqlitePath))
        : new NpgsqlConnection(_settings.PostgresConnectionString);

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
