using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;
using NLog;

namespace ActorNas.Actors.Logging;

/// <summary>
/// Bridges Akka's log into NLog (Akka.Logger.NLog is not available): registered in <c>akka.loggers</c>,
/// it forwards each log event to the NLog logger named after the event's source.
/// </summary>
public sealed class NLogLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    public const string TypeName = "ActorNas.Actors.Logging.NLogLogger, ActorNas.Actors";

    public NLogLogger()
    {
        Receive<Debug>(e => Write(NLog.LogLevel.Debug, e));
        Receive<Info>(e => Write(NLog.LogLevel.Info, e));
        Receive<Warning>(e => Write(NLog.LogLevel.Warn, e));
        Receive<Error>(e => Write(NLog.LogLevel.Error, e));
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
    }

    private static void Write(NLog.LogLevel level, LogEvent e)
    {
        var logger = LogManager.GetLogger(string.IsNullOrEmpty(e.LogSource) ? "Akka" : e.LogSource);
        if (!logger.IsEnabled(level)) return;
        var entry = LogEventInfo.Create(level, logger.Name, e.Cause, null, e.Message?.ToString() ?? "");
        entry.Properties["thread"] = e.Thread.ManagedThreadId;
        entry.Properties["logClass"] = e.LogClass?.Name;
        logger.Log(entry);
    }
}
