using ActorNas.Actors.Persistence;
using ActorNas.Actors.Serialization;
using ActorNas.Core.Events;
using ActorNas.Core.Evolution;

namespace ActorNas.Actors.Query;

/// <summary>The first event of a search that ActorNas cannot read back (or cannot replay: it contradicts the events before it).</summary>
/// <param name="Manifest">The event type the row claims, when the row says (it is stored beside the bytes).</param>
/// <param name="ReadableBefore">Events before it, all readable: what `actornas repair` keeps.</param>
public sealed record UnreadableEvent(string SearchId, string Where, long SequenceNr, string? Manifest, string Reason, long ReadableBefore);

/// <summary>
/// Reads a search's journal row by row (<see cref="JournalRows"/>) the way recovery does: each row through the log
/// schema, each event folded into a <see cref="SearchState"/>. Finds the first row that fails, so that every command
/// can name it, `repair` can copy what comes before it, and `export --skip-unreadable` can leave such rows out.
/// </summary>
public static class LogCheck
{
    /// <summary>The first unreadable event of the search among its rows up to <paramref name="toSequenceNr"/>, or null when all read.</summary>
    public static async Task<UnreadableEvent?> FirstUnreadableAsync(JournalRows rows, string searchId, long toSequenceNr = long.MaxValue,
        CancellationToken cancellationToken = default)
    {
        var state = new SearchState();
        long readable = 0;
        await foreach (var row in rows.ReadAsync(searchId, toSequenceNr, cancellationToken).ConfigureAwait(false))
        {
            if (Read(row, state) is { } reason)
                return new UnreadableEvent(searchId, rows.Where, row.SequenceNr, row.Manifest, reason, readable);
            readable++;
        }
        return null;
    }

    /// <summary>The readable events before the first unreadable one (all of them when every row reads).</summary>
    public static async Task<(IReadOnlyList<ISearchEvent> Events, UnreadableEvent? StoppedAt)> ReadablePrefixAsync(JournalRows rows, string searchId,
        CancellationToken cancellationToken = default)
    {
        var state = new SearchState();
        var events = new List<ISearchEvent>();
        await foreach (var row in rows.ReadAsync(searchId, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (Read(row, state, events.Add) is { } reason)
                return (events, new UnreadableEvent(searchId, rows.Where, row.SequenceNr, row.Manifest, reason, events.Count));
        }
        return (events, null);
    }

    /// <summary>
    /// Every row that reads goes to <paramref name="onEvent"/>; the others are skipped and returned. A row only counts as
    /// read when it deserializes; what a reader makes of the events around a gap is the reader's business.
    /// </summary>
    public static async Task<IReadOnlyList<UnreadableEvent>> ReadSkippingAsync(JournalRows rows, string searchId, Action<ISearchEvent> onEvent,
        CancellationToken cancellationToken = default)
    {
        var skipped = new List<UnreadableEvent>();
        long readable = 0;
        await foreach (var row in rows.ReadAsync(searchId, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (Deserialize(row, out var reason) is { } e)
            {
                onEvent(e);
                readable++;
            }
            else skipped.Add(new UnreadableEvent(searchId, rows.Where, row.SequenceNr, row.Manifest, reason!, readable));
        }
        return skipped;
    }

    /// <summary>Null when the row reads and folds into <paramref name="state"/>; otherwise why not.</summary>
    private static string? Read(JournalRow row, SearchState state, Action<ISearchEvent>? onEvent = null)
    {
        if (Deserialize(row, out var reason) is not { } e) return reason;
        try
        {
            state.Apply(e);
        }
        catch (InvalidOperationException contradiction)
        {
            return $"it contradicts the events before it: {contradiction.Message}";
        }
        onEvent?.Invoke(e);
        return null;
    }

    /// <summary>The row's event, or null with why it cannot be read.</summary>
    internal static ISearchEvent? Deserialize(JournalRow row, out string? reason)
    {
        reason = null;
        if (row.SerializerId != ActorNasSerializer.Id)
        {
            reason = $"it was not written by ActorNas's serializer (serializer id {row.SerializerId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"})";
            return null;
        }
        try
        {
            if (EventSerializer.FromBytes(row.Payload, row.Manifest ?? "") is ISearchEvent e) return e;
            reason = $"\"{row.Manifest}\" is not an event";
        }
        catch (Exception e)
        {
            reason = e.Message;
        }
        return null;
    }
}
