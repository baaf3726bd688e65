using ActorNas.Core.Events;
using ActorNas.Core.Evolution;

namespace ActorNas.Core.Tests.TestSupport;

/// <summary>Round trips through the log's wire format, as the journal stores it.</summary>
internal static class LogCodec
{
    public static ISearchEvent RoundTrip(ISearchEvent e) =>
        (ISearchEvent)EventSerializer.FromBytes(EventSerializer.ToBytes(e), EventSerializer.ManifestOf(e));

    public static SearchSnapshot RoundTrip(SearchSnapshot s) =>
        (SearchSnapshot)EventSerializer.FromBytes(EventSerializer.ToBytes(s), EventSerializer.ManifestOf(s));

    public static string Wire(object value) =>
        EventSerializer.ManifestOf(value) + " " + System.Text.Encoding.UTF8.GetString(EventSerializer.ToBytes(value));
}
