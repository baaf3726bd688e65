using System.Runtime.Serialization;

namespace ActorNas.Actors.Serialization;

/// <summary>
/// An event or snapshot in the log whose bytes ActorNas cannot turn back into its type (overwritten, truncated, or of
/// a type this version does not know). Readers recognise it to name the entry rather than fail with a parser error.
/// </summary>
public sealed class UnreadableEntryException(string manifest, Exception cause)
    : SerializationException($"a \"{manifest}\" entry cannot be read: {cause.Message}", cause)
{
    public string Manifest { get; } = manifest;

    /// <summary>The first <see cref="UnreadableEntryException"/> in <paramref name="e"/> or its causes, or null.</summary>
    public static UnreadableEntryException? In(Exception? e)
    {
        for (var current = e; current is not null; current = current.InnerException)
        {
            if (current is UnreadableEntryException unreadable) return unreadable;
            if (current is AggregateException aggregate)
                foreach (var inner in aggregate.InnerExceptions)
                    if (In(inner) is { } found) return found;
        }
        return null;
    }
}
