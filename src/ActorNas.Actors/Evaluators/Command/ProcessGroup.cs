using System.Runtime.InteropServices;

namespace ActorNas.Actors.Evaluators.Command;

/// <summary>Signals to a whole process group (kill(2) with a negative pid).</summary>
internal static class ProcessGroup
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    /// <summary>Sends <paramref name="signal"/> to every process of group <paramref name="groupId"/>; a group that is gone is fine.</summary>
    public static void Signal(int groupId, int signal)
    {
        if (groupId > 1) _ = Kill(-groupId, signal);
    }
}
