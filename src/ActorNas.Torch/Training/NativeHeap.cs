using System.Runtime.InteropServices;

namespace ActorNas.Torch.Training;

/// <summary>
/// Returns the C heap's free pages to the system (glibc's malloc_trim). Without it, memory that libtorch frees stays
/// with the process: measured +19 % resident memory from 50 to 500 evaluations with flat live memory. A no-op where
/// the function does not exist (not glibc).
/// </summary>
internal static class NativeHeap
{
    private static bool _unavailable;

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    public static void Trim()
    {
        if (_unavailable || !OperatingSystem.IsLinux()) return;
        try
        {
            MallocTrim(0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _unavailable = true;
        }
    }
}
