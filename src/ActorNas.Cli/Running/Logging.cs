using NLog;

namespace ActorNas.Cli.Running;

/// <summary>Points the shipped nlog.config at this invocation's log file.</summary>
internal static class Logging
{
    /// <summary>True once a command has said where its log file goes; nothing is logged to a file before that.</summary>
    public static bool IsConfigured { get; private set; }

    public static string Configure(string? logFile, string? dbPath)
    {
        var path = Path.GetFullPath(logFile ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(dbPath ?? "actornas.db")) ?? ".", "actornas.log"));
        var configFile = Path.Combine(AppContext.BaseDirectory, "nlog.config");
        if (File.Exists(configFile)) LogManager.Setup().LoadConfigurationFromFile(configFile);
        LogManager.Configuration ??= new NLog.Config.LoggingConfiguration();
        LogManager.Configuration.Variables["logfile"] = path;
        LogManager.ReconfigExistingLoggers();
        IsConfigured = true;
        return path;
    }
}
