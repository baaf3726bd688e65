using System.Text;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace ActorNas.Actors.Configuration;

/// <summary>
/// The part of a search's settings text that is recorded with it (in <c>SearchStarted</c>) and handed to every worker
/// that joins: the <c>actornas</c> section without <c>actornas.persistence</c> and <c>actornas.cluster</c>. Those say
/// where this machine's log lives and how this node joins; they hold secrets (a PostgreSQL password) that no worker
/// needs and no log reader should see, and every command that opens the log is given them again. The <c>akka</c>
/// section (TLS certificate passwords among it) is left out for the same reason.
/// </summary>
public static class RecordedSettings
{
    private static readonly string[] NodeLocal = ["persistence", "cluster"];

    /// <summary>The recorded form of <paramref name="settingsText"/>: one <c>path = value</c> line per setting, every
    /// key and string quoted, so it parses back to the same values.</summary>
    public static string Of(string settingsText)
    {
        if (string.IsNullOrWhiteSpace(settingsText)) return "";
        var parsed = ActorNasConfig.Parse(settingsText, "the settings to record");
        if (!parsed.HasPath("actornas")) return "";
        var text = new StringBuilder();
        foreach (var (key, value) in parsed.GetConfig("actornas").Root.GetObject().Items)
            if (!NodeLocal.Contains(key, StringComparer.Ordinal))
                WriteSettings(text, "actornas." + Hocon.Quote(key), value);
        return text.ToString();
    }

    /// <summary>Every actornas.* key of <paramref name="config"/> as settings text (a system someone else configured, say).</summary>
    public static string SectionOf(Config config)
    {
        if (!config.HasPath("actornas")) return "";
        var text = new StringBuilder();
        foreach (var (key, value) in config.GetConfig("actornas").Root.GetObject().Items)
            WriteSettings(text, "actornas." + Hocon.Quote(key), value);
        return text.ToString();
    }

    /// <summary>
    /// The settings to run a recorded search with: its recorded text, and the evaluator its log names. A search that
    /// used the default evaluator recorded no <c>evaluator.name</c>, and the default changed (synthetic, then tabular):
    /// without this line such a search would resume on another evaluator.
    /// </summary>
    public static string OfSearch(Core.Evolution.SearchSettings config) =>
        Of(config.Settings) + "actornas.evaluator.name = " + Hocon.Quote(config.Evaluator) + "\n";

    private static void WriteSettings(StringBuilder text, string path, HoconValue value)
    {
        if (value.IsObject())
        {
            foreach (var (key, child) in value.GetObject().Items) WriteSettings(text, path + "." + Hocon.Quote(key), child);
            return;
        }
        text.Append(path).Append(" = ").Append(Render(value)).Append('\n');
    }

    private static string Render(HoconValue value) =>
        value.IsObject() ? "{ " + string.Join(", ", value.GetObject().Items.Select(kv => Hocon.Quote(kv.Key) + " = " + Render(kv.Value))) + " }"
        : value.IsArray() ? "[" + string.Join(", ", value.GetArray().Select(Render)) + "]"
        : value.Values.Count == 0 ? "null"
        : Hocon.Quote(value.GetString());
}
