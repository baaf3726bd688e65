using System.Net.Http.Headers;
using System.Text.Json;

namespace ActorNas.Integration.Tests.Web;

/// <summary>One server-sent event as the page's stream writes it: the id (the log's sequence number) and the JSON data.</summary>
internal sealed record StreamedEvent(long Id, string Name, JsonElement Data);

/// <summary>A plain reader of a text/event-stream response, as a browser's EventSource reads it (id, event, data lines).</summary>
internal static class ServerSentEvents
{
    /// <summary>Reads events from <paramref name="url"/> until <paramref name="enough"/> says stop or the stream ends;
    /// sends Last-Event-ID when <paramref name="lastEventId"/> is given, as a reconnecting EventSource does.</summary>
    public static async Task<List<StreamedEvent>> ReadAsync(HttpClient http, string url, long? lastEventId, Func<List<StreamedEvent>, bool> enough,
        TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is { } id) request.Headers.Add("Last-Event-ID", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode}");
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await using var body = await response.Content.ReadAsStreamAsync(cancel.Token);
        using var reader = new StreamReader(body);
        var events = new List<StreamedEvent>();
        long eventId = 0;
        var name = "message";
        string? data = null;
        while (await reader.ReadLineAsync(cancel.Token) is { } line)
        {
            if (line.Length == 0)
            {
                if (data is not null)
                {
                    events.Add(new StreamedEvent(eventId, name, JsonDocument.Parse(data).RootElement.Clone()));
                    if (enough(events)) return events;
                }
                (name, data) = ("message", null);
                continue;
            }
            if (line.StartsWith("id: ", StringComparison.Ordinal)) eventId = long.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture);
            else if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) data = line[6..];
        }
        return events;
    }
}
