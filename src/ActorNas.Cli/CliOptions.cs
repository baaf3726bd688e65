using System.CommandLine;
using ActorNas.Actors.Runtime;

namespace ActorNas.Cli;

/// <summary>Options shared by several commands.</summary>
internal static class CliOptions
{
    public static Option<string> Db() => new("--db")
    {
        Description = "SQLite file holding the search logs (created by run if missing)",
        DefaultValueFactory = _ => "actornas.db",
    };

    public static Option<string?> SearchId(string description) => new("--search-id") { Description = description };

    public static Option<FileInfo?> Config() => new("--config")
    {
        Description = "HOCON file with actornas.* settings (see hocon/); flags override it. For resume, status, list and export it says where the log lives (e.g. PostgreSQL)",
    };

    /// <summary>Where the log lives: --config's persistence settings over the defaults (the --db flag is applied later).</summary>
    public static Akka.Configuration.Config StoreConfig(FileInfo? config) => SettingsSources.OfFile(config?.FullName);

    public static Option<bool> Json() => new("--json") { Description = "Print one JSON object as the last line of output" };

    public static Option<bool> Verbose() => new("--verbose") { Description = "Show stack traces on errors" };

    public static Option<string?> LogFile(string defaultPlace = "actornas.log beside the --db file") => new("--log-file")
    {
        Description = $"Detailed log file (default: {defaultPlace})",
    };
}
