namespace ActorNas.Actors.Persistence;

/// <summary>
/// The tables Akka.Persistence.Sql creates for ActorNas (its default layout, which ActorNas never changes): a database
/// is an ActorNas log when it holds them, and the raw readers (<see cref="JournalRows"/>) read their rows directly.
/// </summary>
public static class JournalLayout
{
    public const string JournalTable = "journal";
    public const string TagsTable = "tags";
    public const string SnapshotTable = "snapshot";

    /// <summary>The journal columns ActorNas reads; a table called journal without them belongs to another program.</summary>
    public static readonly IReadOnlyList<string> JournalColumns = ["ordering", "persistence_id", "sequence_number", "deleted", "message", "manifest", "identifier"];

    public static readonly IReadOnlyList<string> SnapshotColumns = ["persistence_id", "sequence_number", "snapshot", "manifest", "serializer_id"];
}
