using ActorNas.Actors.Configuration;
using ActorNas.Core.Events;

namespace ActorNas.Actors.Query;

/// <summary>
/// A search's log holds an event ActorNas cannot read: the one verdict every command gives, naming the search, the
/// event's sequence number and type, and the fix.
/// </summary>
public sealed class UnreadableLogException(UnreadableEvent unreadable, string repairSource) : Exception(Describe(unreadable, repairSource))
{
    public UnreadableEvent Unreadable { get; } = unreadable;

    /// <summary>The verdict for a log in <paramref name="settings"/>'s database.</summary>
    public static UnreadableLogException For(UnreadableEvent unreadable, PersistenceSettings settings) => new(unreadable, RepairSource(settings));

    /// <summary>How `actornas repair` finds this log: its --db path, or the --config file that names a PostgreSQL database.</summary>
    public static string RepairSource(PersistenceSettings settings) => settings.Provider == PersistenceProvider.Sqlite
        ? "--db " + (settings.SqlitePath.Contains(' ', StringComparison.Ordinal) ? $"\"{settings.SqlitePath}\"" : settings.SqlitePath)
        : "--config FILE (the file that names this PostgreSQL database)";

    /// <param name="repairSource">How `actornas repair` is told where the log is: "--db PATH", or "--config FILE" for PostgreSQL.</param>
    public static string Describe(UnreadableEvent u, string repairSource)
    {
        var type = u.Manifest is { Length: > 0 } manifest ? $" ({manifest})" : "";
        var before = u.ReadableBefore == 1 ? "The event before it reads" : $"The {u.ReadableBefore} events before it read";
        var keep = u.ReadableBefore == 0
            ? "nothing before it can be kept (the search's start is lost); start the search again with `actornas run`"
            : $"copy them into a new database with `actornas repair {repairSource} --search-id {u.SearchId} --out NEW.db`, then `actornas resume --db NEW.db`";
        var newer = u.Manifest is { Length: > 0 } m && !EventSerializer.Manifests.Contains(m)
            ? "; if this log was written by a newer ActorNas, upgrade instead"
            : "";
        return $"the log of search \"{u.SearchId}\" in {u.Where} cannot be read at event {u.SequenceNr}{type}: {u.Reason.TrimEnd('.', ' ')}. " +
               $"{before}: {keep}{newer}";
    }
}
