using System.Diagnostics;
using ActorNas.Actors.Persistence;
using ActorNas.Actors.Serialization;
using ActorNas.Core.Events;
using Microsoft.Data.Sqlite;

namespace ActorNas.Benchmarks;

/// <summary>
/// What the disk allows: a search's event rows inserted straight into a journal-shaped SQLite table (WAL, the
/// journal's connection string) in batched transactions, with no Akka. Rows are serialized before the clock
/// starts, so this is the cost of the writes alone. The rows per transaction are swept, not assumed: the limit is
/// the best of the sweep.
/// </summary>
internal static class SqliteLimit
{
    /// <summary>The transaction sizes tried, from one row per commit to more than a whole mailbox run ever writes.</summary>
    public static readonly int[] SweptRowsPerTransaction = [1, 4, 16, 64, 256, 1024, 4096];

    /// <param name="Rows">Rows inserted (fewer than the log's when the run hit its time limit).</param>
    /// <param name="Evaluations">Evaluations those rows stand for, at the log's rows per evaluation.</param>
    public sealed record Result(int Rows, double Evaluations, int RowsPerTransaction, TimeSpan Elapsed, bool Stopped)
    {
        public double PerSecond => Evaluations / Elapsed.TotalSeconds;
        public double RowsPerSecond => Rows / Elapsed.TotalSeconds;
    }

    /// <summary>Every size of <see cref="SweptRowsPerTransaction"/>, each into a fresh file; the best is the limit.</summary>
    public static IReadOnlyList<Result> Sweep(IReadOnlyList<ISearchEvent> events, Func<string, string> path, string searchId, TimeSpan limitEach)
    {
        // not reported: the first inserts also pay for the JIT and SQLite's start-up
        Run(events.Take(2000).ToList(), path("limit-warmup.db"), searchId, 64, limitEach);
        return SweptRowsPerTransaction.Select(n => Run(events, path($"limit-{n}.db"), searchId, n, limitEach)).ToList();
    }

    // The table and indexes Akka.Persistence.Sql creates for SQLite (auto-initialize), so each insert maintains the
    // same three indexes as the journal's.
    private const string Schema = """
        CREATE TABLE journal (
          ordering INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
          created INTEGER NOT NULL,
          deleted BIT NOT NULL,
          persistence_id NVARCHAR(255) NOT NULL,
          sequence_number INTEGER NOT NULL,
          message VARBINARY NOT NULL,
          manifest NVARCHAR(500) NULL,
          identifier INTEGER NULL,
          writer_uuid NVARCHAR(128) NULL);
        CREATE UNIQUE INDEX journal_uq ON journal (persistence_id, sequence_number);
        CREATE INDEX journal_created_idx ON journal (created);
        CREATE INDEX journal_sequence_number_idx ON journal (sequence_number);
        """;

    private const string Insert = """
        INSERT INTO journal (created, deleted, persistence_id, sequence_number, message, manifest, identifier, writer_uuid)
        VALUES ($created, 0, $pid, $seq, $message, $manifest, $identifier, $writer)
        """;

    /// <summary>
    /// Inserts the rows in transactions of <paramref name="rowsPerTransaction"/>; stops after the first commit past
    /// <paramref name="limit"/> (one row per commit can take minutes), and counts what it inserted.
    /// </summary>
    public static Result Run(IReadOnlyList<ISearchEvent> events, string path, string searchId, int rowsPerTransaction, TimeSpan limit)
    {
        var rows = events.Select(e => (Manifest: EventSerializer.ManifestOf(e), Bytes: EventSerializer.ToBytes(e))).ToArray();
        var rowsPerEvaluation = (double)rows.Length / Math.Max(1, events.Count(e => e is CandidateEvaluated));

        using var connection = new SqliteConnection(PersistenceConfig.SqliteConnectionString(path));
        connection.Open();
        Execute(connection, "PRAGMA journal_mode=WAL;");
        Execute(connection, Schema);

        using var insert = connection.CreateCommand();
        insert.CommandText = Insert;
        var pid = insert.Parameters.Add("$pid", SqliteType.Text);
        var seq = insert.Parameters.Add("$seq", SqliteType.Integer);
        var manifest = insert.Parameters.Add("$manifest", SqliteType.Text);
        var message = insert.Parameters.Add("$message", SqliteType.Blob);
        var identifier = insert.Parameters.Add("$identifier", SqliteType.Integer);
        var created = insert.Parameters.Add("$created", SqliteType.Integer);
        var writer = insert.Parameters.Add("$writer", SqliteType.Text);
        pid.Value = PersistenceConfig.PersistenceId(searchId);
        identifier.Value = ActorNasSerializer.Id;
        writer.Value = Guid.NewGuid().ToString();

        var clock = Stopwatch.StartNew();
        var inserted = 0;
        for (var start = 0; start < rows.Length && clock.Elapsed < limit; start += rowsPerTransaction)
        {
            using var transaction = connection.BeginTransaction();
            insert.Transaction = transaction;
            var end = Math.Min(rows.Length, start + rowsPerTransaction);
            for (var i = start; i < end; i++)
            {
                seq.Value = i + 1L;
                manifest.Value = rows[i].Manifest;
                message.Value = rows[i].Bytes;
                created.Value = DateTime.UtcNow.Ticks;
                insert.ExecuteNonQuery();
            }
            transaction.Commit();
            inserted = end;
        }
        var elapsed = clock.Elapsed;
        return new Result(inserted, inserted / rowsPerEvaluation, rowsPerTransaction, elapsed, inserted < rows.Length);
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
