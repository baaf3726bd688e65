using ActorNas.Actors.Cluster;
using ActorNas.Actors.Configuration;
using ActorNas.Core.Evolution;
using Akka.Configuration;

namespace ActorNas.Actors.Runtime;

/// <summary>
/// Where ActorNas's configuration is assembled, and nowhere else: settings text (flags, files, host options, what a
/// search recorded) layered over the embedded defaults (hocon/actornas.conf), then read into typed settings. Earlier
/// layers win; each layer is named, so a syntax error says where it is.
/// </summary>
public static class SettingsSources
{
    public const string CommandLine = "the command-line settings";

    /// <summary>Text over the defaults, as configuration.</summary>
    public static Config Combine(string text, string source) => ActorNasConfig.Combine(ActorNasConfig.Parse(text, source));

    /// <summary>The settings <paramref name="text"/> asks for (a new search's, recorded with it).</summary>
    public static ActorNasSettings Read(string text, string source = CommandLine) => ActorNasSettings.From(Combine(text, source), text);

    /// <summary>A --config file's settings over the defaults; the defaults alone without a file.</summary>
    public static Config OfFile(string? path) =>
        path is null ? ActorNasConfig.Reference : Combine(ActorNasConfig.ReadFile(path), $"config file \"{path}\"");

    /// <summary>
    /// A recorded search's settings: this process's text (flags, --config: a table path or a data folder of this
    /// machine, the log's place) over what was recorded with the search; the search itself is the recorded one.
    /// </summary>
    public static ActorNasSettings OfRecorded(string localText, SearchSettings recorded, string searchId, string source = CommandLine)
    {
        var combined = ActorNasConfig.Combine(ActorNasConfig.Parse(localText, source),
            ActorNasConfig.Parse(RecordedSettings.OfSearch(recorded), RecordedSource(searchId)));
        return ActorNasSettings.From(combined, recorded.Settings) with { Search = recorded };
    }

    /// <summary>A worker's settings: its own text (cluster address, evaluator paths of this machine) over the settings the
    /// Population handed it.</summary>
    public static ActorNasSettings OfJoined(string workerText, string recordedText, string searchId)
    {
        var combined = ActorNasConfig.Combine(ActorNasConfig.Parse(workerText, "the worker settings"),
            ActorNasConfig.Parse(recordedText, RecordedSource(searchId)));
        return ActorNasSettings.From(combined, recordedText);
    }

    /// <summary>Where the log lives: <paramref name="config"/>'s persistence settings, with the SQLite file of --db when given.</summary>
    public static PersistenceSettings Persistence(Config config, string? sqlitePath)
    {
        if (sqlitePath is null) return ActorNasSettings.From(config).Persistence;
        var withDb = ConfigurationFactory.ParseString(new HoconOverrides().Set("persistence.sqlite.path", sqlitePath).Text).WithFallback(config);
        return ActorNasSettings.From(withDb).Persistence;
    }

    /// <summary>This node's cluster settings: <paramref name="clusterText"/> over <paramref name="under"/> (or the defaults).</summary>
    public static (ClusterSettings Cluster, Config Config) Cluster(string clusterText, Config? under = null)
    {
        var own = ActorNasConfig.Parse(clusterText, "the cluster settings");
        var config = under is null ? ActorNasConfig.Combine(own) : ActorNasConfig.Combine(own, under);
        return (ClusterSettings.From(config), config);
    }

    private static string RecordedSource(string searchId) => $"the settings recorded with search {searchId}";
}
