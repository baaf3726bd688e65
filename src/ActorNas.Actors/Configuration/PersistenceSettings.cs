namespace ActorNas.Actors.Configuration;

public sealed record PersistenceSettings(PersistenceProvider Provider, string SqlitePath, string PostgresConnectionString, int SnapshotEvery)
{
    /// <summary>How long a search waits for a log that became unavailable (actornas.persistence.outage-grace) before it stops.</summary>
    public TimeSpan OutageGrace { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>For commands that only read the log: SQLite opens read-only and no table is created.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>A resume reads every event already in the log, beside the search, and stops it at one it cannot read.</summary>
    public bool CheckOnResume { get; init; } = true;

    /// <summary>Reads <c>actornas.persistence</c>.</summary>
    internal static PersistenceSettings Read(SettingsReader reader)
    {
        return new PersistenceSettings(
            reader.Enum<PersistenceProvider>("persistence.provider"),
            reader.String("persistence.sqlite.path"),
            reader.String("persistence.postgresql.connection-string", allowEmpty: true),
            reader.Int("persistence.snapshot-every", min: 1))
        {
            OutageGrace = reader.Duration("persistence.outage-grace"),
            CheckOnResume = reader.Bool("persistence.check-on-resume"),
        };
    }
}
