using System.Net.Sockets;
using Akka.Pattern;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ActorNas.Actors.Persistence;

public enum StoreFaultKind
{
    /// <summary>The disk (or the database server's disk) has no room for the next write.</summary>
    DiskFull,
    /// <summary>The database refuses writes: a read-only file or file system, a standby server.</summary>
    ReadOnly,
    /// <summary>The database server cannot be reached (refused, reset, timed out, shutting down).</summary>
    Unreachable,
    /// <summary>The server answers but refuses this client: password, missing database, permissions.</summary>
    Refused,
    /// <summary>Another process holds the database's write lock.</summary>
    Busy,
    /// <summary>The database file is damaged or not a database.</summary>
    Corrupt,
    /// <summary>Anything else.</summary>
    Other,
}

/// <summary>
/// Why the log could not be written or read, as a user can act on it. <paramref name="Transient"/> faults may heal by
/// themselves (a PostgreSQL restart, a failover): the search waits for them up to actornas.persistence.outage-grace.
/// The others will not (a full or read-only disk): the search stops at once.
/// </summary>
public sealed record StoreFault(StoreFaultKind Kind, bool Transient, string Detail)
{
    /// <summary>What happened, in a few words ("the disk is full").</summary>
    public string Summary => Kind switch
    {
        StoreFaultKind.DiskFull => "the disk is full",
        StoreFaultKind.ReadOnly => "the database is read-only",
        StoreFaultKind.Unreachable => "the database server cannot be reached",
        StoreFaultKind.Refused => "the database server refuses the connection",
        StoreFaultKind.Busy => "the database is locked by another process",
        StoreFaultKind.Corrupt => "the database file is damaged",
        _ => "the database failed",
    };

    /// <summary>What went wrong with the database; an unknown error counts as transient (the grace period bounds the wait).</summary>
    public static StoreFault Classify(Exception error) =>
        TryClassify(error) ?? new StoreFault(StoreFaultKind.Other, true, Innermost(error).Message);

    /// <summary>The database fault behind <paramref name="error"/>, or null when it is not one (an event that cannot be read, say).</summary>
    public static StoreFault? TryClassify(Exception error)
    {
        foreach (var e in Chain(error))
        {
            switch (e)
            {
                case SqliteException s:
                    return FromSqlite(s);
                case PostgresException p:
                    return FromPostgres(p);
                case NpgsqlException n:
                    return new StoreFault(StoreFaultKind.Unreachable, true, Innermost(n).Message);
                case SocketException s:
                    return new StoreFault(StoreFaultKind.Unreachable, true, s.Message);
                case OpenCircuitException:
                    return new StoreFault(StoreFaultKind.Unreachable, true,
                        "the journal stopped trying for a while after repeated failures (circuit breaker open)");
                case IOException io when (io.HResult & 0xFFFF) == 28:   // ENOSPC
                    return new StoreFault(StoreFaultKind.DiskFull, false, io.Message);
                case IOException io when (io.HResult & 0xFFFF) == 30:   // EROFS
                    return new StoreFault(StoreFaultKind.ReadOnly, false, io.Message);
                case UnauthorizedAccessException ua:
                    return new StoreFault(StoreFaultKind.ReadOnly, false, ua.Message);
                case TimeoutException t:
                    return new StoreFault(StoreFaultKind.Unreachable, true, t.Message);
            }
        }
        return null;
    }

    private static StoreFault FromSqlite(SqliteException s) => s.SqliteErrorCode switch
    {
        13 => new StoreFault(StoreFaultKind.DiskFull, false, s.Message),            // SQLITE_FULL
        8 => new StoreFault(StoreFaultKind.ReadOnly, false, s.Message),             // SQLITE_READONLY
        3 => new StoreFault(StoreFaultKind.ReadOnly, false, s.Message),             // SQLITE_PERM
        5 or 6 => new StoreFault(StoreFaultKind.Busy, true, s.Message),             // SQLITE_BUSY, SQLITE_LOCKED
        11 or 26 => new StoreFault(StoreFaultKind.Corrupt, false, s.Message),       // SQLITE_CORRUPT, SQLITE_NOTADB
        _ => new StoreFault(StoreFaultKind.Other, false, s.Message),                // I/O errors, cannot open: a local file does not heal
    };

    private static StoreFault FromPostgres(PostgresException p)
    {
        var state = p.SqlState;
        var kind = state switch
        {
            _ when state.StartsWith("08", StringComparison.Ordinal) => StoreFaultKind.Unreachable,   // connection exception
            "57P01" or "57P02" or "57P03" => StoreFaultKind.Unreachable,                              // shutdown, starting up
            "53100" => StoreFaultKind.DiskFull,
            "25006" => StoreFaultKind.ReadOnly,                                                       // a standby (failover under way)
            _ when state.StartsWith("28", StringComparison.Ordinal) => StoreFaultKind.Refused,       // authentication
            "3D000" or "42501" => StoreFaultKind.Refused,                                             // no such database, no privilege
            _ => StoreFaultKind.Other,
        };
        // the server's own faults may clear (restart, failover, space freed, connections released); a refusal will not
        var transient = kind is StoreFaultKind.Unreachable or StoreFaultKind.DiskFull or StoreFaultKind.ReadOnly
            || state.StartsWith("53", StringComparison.Ordinal) || state is "40001" or "40P01";
        return new StoreFault(kind, transient, $"{p.SqlState}: {p.MessageText}");
    }

    private static IEnumerable<Exception> Chain(Exception e)
    {
        var queue = new Queue<Exception>([e]);
        while (queue.TryDequeue(out var next))
        {
            yield return next;
            if (next is AggregateException a) foreach (var inner in a.InnerExceptions) queue.Enqueue(inner);
            else if (next.InnerException is { } inner) queue.Enqueue(inner);
        }
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is { } inner) e = inner;
        return e;
    }
}
