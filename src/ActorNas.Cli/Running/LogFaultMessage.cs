using ActorNas.Actors.Configuration;
using ActorNas.Actors.Persistence;
using ActorNas.Actors.Protocol;
using Npgsql;

namespace ActorNas.Cli.Running;

/// <summary>
/// The one line a user reads when a search stopped because its log could not be written: where, what, what the log
/// holds, and what to do next (exit 3).
/// </summary>
internal static class LogFaultMessage
{
    public static StoreException For(LogUnavailable failure, string reason, PersistenceSettings persistence, string resumeCommand)
    {
        var fault = failure.Fault;
        var held = failure.LastRecordedCandidate > 0
            ? $"nothing after candidate {failure.LastRecordedCandidate} was recorded (the log holds {failure.Evaluated} evaluations)"
            : "nothing of this search was recorded";
        if (persistence.Provider == PersistenceProvider.Sqlite)
        {
            var path = Path.GetFullPath(persistence.SqlitePath);
            return new StoreException(fault.Kind switch
            {
                StoreFaultKind.DiskFull => $"the disk holding {path} is full: {held}; free space and run `{resumeCommand}`, " +
                    $"or copy the log to a larger disk with `actornas backup --db {path} --out DIR/{Path.GetFileName(path)}` " +
                    "and resume with --db pointing at the copy",
                StoreFaultKind.ReadOnly => $"{path} is read-only ({fault.Detail}): {held}; make it (and its folder) writable " +
                    $"for this user and run `{resumeCommand}`, or copy the log somewhere writable with `actornas backup --db {path} " +
                    $"--out DIR/{Path.GetFileName(path)}` and resume with --db pointing at the copy",
                _ => $"{path}: {reason}: {held}; when the file can be written again, run `{resumeCommand}`",
            });
        }
        return new StoreException($"the PostgreSQL log at {ServerOf(persistence.PostgresConnectionString)}: {reason}: {held}; " +
            $"when the server is back, run `{resumeCommand}`");
    }

    /// <summary>host:port of a connection string (never its password).</summary>
    public static string ServerOf(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return $"{builder.Host}:{builder.Port}";
        }
        catch (ArgumentException)
        {
            return "(an unreadable connection string)";
        }
    }
}
