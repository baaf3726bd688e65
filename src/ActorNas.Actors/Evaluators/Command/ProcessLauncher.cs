using System.Collections.Concurrent;
using System.Diagnostics;

namespace ActorNas.Actors.Evaluators.Command;

/// <summary>
/// Starts processes from one thread that lives as long as the search process. Why: the parent-death signal that
/// setpriv --pdeathsig arms fires when the *thread* that forked the process ends, and thread-pool threads retire when
/// idle; a child started from one would be told its parent died in the middle of a long training.
/// </summary>
internal static class ProcessLauncher
{
    private static readonly BlockingCollection<(ProcessStartInfo Info, TaskCompletionSource<Process> Started)> Requests = new();

    static ProcessLauncher()
    {
        var thread = new Thread(Run) { IsBackground = true, Name = "actornas-process-launcher" };
        thread.Start();
    }

    public static Task<Process> StartAsync(ProcessStartInfo info)
    {
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        Requests.Add((info, started));
        return started.Task;
    }

    private static void Run()
    {
        foreach (var (info, started) in Requests.GetConsumingEnumerable())
        {
            try
            {
                started.SetResult(Process.Start(info) ?? throw new InvalidOperationException($"could not start {info.FileName}"));
            }
            catch (Exception e)
            {
                started.SetException(e);
            }
        }
    }
}
