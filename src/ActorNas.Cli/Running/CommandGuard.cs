using ActorNas.Actors.Runtime;
using ActorNas.Actors.Configuration;
using ActorNas.Actors.Persistence;
using ActorNas.Core.Spaces;
using ActorNas.Core.Tabular;
using ActorNas.Torch.Data;
using ActorNas.Cli.Output;
using NLog;

namespace ActorNas.Cli.Running;

/// <summary>Turns failures into one clear line on stderr and an exit code; stack traces only with --verbose.</summary>
internal static class CommandGuard
{
    private static readonly Logger Log = LogManager.GetCurrentClassLogger();

    public static async Task<int> RunAsync(bool verbose, bool json, Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            var (code, message) = Classify(e);
            // only into a log file the command chose: an error before the database is known leaves no file behind
            if (Logging.IsConfigured) Log.Info(e, "command failed: " + message);
            await Console.Error.WriteLineAsync($"error: {message}").ConfigureAwait(false);
            if (verbose) await Console.Error.WriteLineAsync(e.ToString()).ConfigureAwait(false);
            if (json) Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new ErrorJson(message, code), CliJson.Relaxed.ErrorJson));
            return code;
        }
        finally
        {
            LogManager.Flush();
        }
    }

    private static (int Code, string Message) Classify(Exception e) => e switch
    {
        SettingsException or GenotypeFormatException or TableFormatException or DatasetException or ArgumentException => (ExitCodes.BadInput, e.Message),
        StoreException or Actors.Query.UnreadableLogException => (ExitCodes.StoreError, e.Message),
        UnknownSearchException => (ExitCodes.BadInput, e.Message),
        Actors.Cluster.ClusterJoinException or NodeDownedException => (ExitCodes.SearchFailed, e.Message),
        Akka.Configuration.ConfigurationException => (ExitCodes.BadInput, $"bad configuration: {e.Message}"),
        _ => (ExitCodes.SearchFailed, $"{e.GetType().Name}: {e.Message} (run with --verbose for details)"),
    };
}

/// <summary>The cluster downed this node (or it lost the cluster); a supervisor should start it again.</summary>
internal sealed class NodeDownedException(string message) : Exception(message);

internal sealed record ErrorJson(string Error, int ExitCode);
