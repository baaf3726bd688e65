using System.Text;
using System.Text.Json;
using ActorNas.Actors.Query;
using ActorNas.Core;
using ActorNas.Core.Events;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;
using ActorNas.Web;
using Xunit;

namespace ActorNas.Integration.Tests.Web;

/// <summary>What every page receives for one event: the server-sent event the page parses.</summary>
public sealed class EventFrameTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 15, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_frame_is_the_event_id_and_one_line_of_json_with_the_logged_event_and_the_genotype_in_the_space_notation()
    {
        var genotype = new Genotype([1, 2, 3, 4, 0, 1]);
        var proposed = new CandidateProposed(12, 5, genotype, new Mutation(2, 0, 4), [5, 9], 3, At);

        var text = Encoding.UTF8.GetString(EventStream.Frame(new LoggedEvent(123_456_789_012, proposed), Nb201Space.Instance));

        Assert.StartsWith("id: 123456789012\ndata: ", text);
        Assert.EndsWith("}\n\n", text);
        var data = text["id: 123456789012\ndata: ".Length..^2];
        Assert.DoesNotContain('\n', data);
        using var json = JsonDocument.Parse(data);
        Assert.Equal(123_456_789_012, json.RootElement.GetProperty("seq").GetInt64());
        Assert.Equal(EventSerializer.ManifestOf(proposed), json.RootElement.GetProperty("type").GetString());
        Assert.Equal(Nb201Space.Instance.Format(genotype), json.RootElement.GetProperty("genotype").GetString());
        Assert.Equal(Encoding.UTF8.GetString(EventSerializer.ToBytes(proposed)), json.RootElement.GetProperty("event").GetRawText());
    }

    [Fact]
    public void A_frame_of_any_other_event_has_no_genotype_and_keeps_text_that_needs_escaping()
    {
        var failed = new CandidateFailed(7, "CUDA out of memory \"quoted\" \u00e9\nsecond line", 3, true, "gpu-0", At);

        var text = Encoding.UTF8.GetString(EventStream.Frame(new LoggedEvent(9, failed), Nb201Space.Instance));

        Assert.StartsWith("id: 9\ndata: ", text);
        using var json = JsonDocument.Parse(text["id: 9\ndata: ".Length..^2]);
        Assert.False(json.RootElement.TryGetProperty("genotype", out _));
        Assert.Equal(failed, EventSerializer.FromBytes(Encoding.UTF8.GetBytes(json.RootElement.GetProperty("event").GetRawText()), json.RootElement.GetProperty("type").GetString()!));
    }
}
