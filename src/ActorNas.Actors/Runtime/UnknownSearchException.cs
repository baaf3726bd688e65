namespace ActorNas.Actors.Runtime;

/// <summary>The search id names no search in the log.</summary>
public sealed class UnknownSearchException(string message) : Exception(message)
{
    public static UnknownSearchException For(string searchId, string db) =>
        new($"there is no search \"{searchId}\" in {db}; `actornas list --db {db}` shows the searches there");
}
