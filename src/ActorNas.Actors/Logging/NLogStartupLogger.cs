using Akka.Event;
using NLog;

namespace ActorNas.Actors.Logging;

/// <summary>
/// Akka's logger for the moments before <see cref="NLogLogger"/> starts and after it stops (start-up and
/// shutdown). Akka's default one prints to stdout, which would mix log lines into command output such as --json.
/// </summary>
public sealed class NLogStartupLogger : MinimalLogger
{
    public const string TypeName = "ActorNas.Actors.Logging.NLogStartupLogger, ActorNas.Actors";

    protected override void Log(object message)
    {
        if (message is not LogEvent e) return;
        var level = e.LogLevel() switch
        {
            Akka.Event.LogLevel.ErrorLevel => NLog.LogLevel.Error,
            Akka.Event.LogLevel.WarningLevel => NLog.LogLevel.Warn,
            Akka.Event.LogLevel.InfoLevel => NLog.LogLevel.Info,
            _ => NLog.LogLevel.Debug,
        };
        LogManager.GetLogger(string.IsNullOrEmpty(e.LogSource) ? "Akka" : e.LogSource).Log(level, e.Cause, e.Message?.ToString() ?? "");
    }
}
