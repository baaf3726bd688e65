using Npgsql;

namespace ActorNas.Actors.Persistence;

/// <summary>
/// Connects to the PostgreSQL server once before the ActorSystem starts, so that a server that is down, a wrong
/// password or a missing database is one clear line (exit 3), not a plugin's timeout after several seconds of noise.
/// </summary>
public static class PostgresProbe
{
    public static void Check(string connectionString, TimeSpan timeout)
    {
        if (string.IsNullOrWhiteSpace(connectionString)) return;   // PersistenceConfig names the missing setting
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString) { Timeout = Math.Max(1, (int)timeout.TotalSeconds), Pooling = false };
        }
        catch (ArgumentException e)
        {
            throw new StoreException($"actornas.persistence.postgresql.connection-string is not a valid connection string: {e.Message}");
        }
        var server = $"{builder.Host}:{builder.Port}";
        try
        {
            using var connection = new NpgsqlConnection(builder.ConnectionString);
            connection.Open();
            using var command = new NpgsqlCommand("SELECT 1", connection);
            command.ExecuteScalar();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            var fault = StoreFault.Classify(e);
            var fix = fault.Kind == StoreFaultKind.Refused
                ? "check the user, password and database name in actornas.persistence.postgresql.connection-string (the database must exist)"
                : "start the server, or fix the host and port in actornas.persistence.postgresql.connection-string";
            throw new StoreException($"cannot use the PostgreSQL log at {server} (database {builder.Database}): {fault.Detail}; {fix}");
        }
    }
}
