using System.Runtime.InteropServices;

namespace ActorNas.Torch.Training;

/// <summary>
/// On AMD Zen 5 (<see cref="OneDnnIsaCap.OnAffectedCpu"/>) libtorch runs without oneDNN (PyTorch's
/// <c>torch.backends.mkldnn.enabled = False</c>), so convolutions take ATen's own kernels: capping oneDNN's instruction
/// set did not make it reliable there (<see cref="OneDnnIsaCap"/>), and a NaN or a chance-level accuracy in a long
/// search is worse than a slower epoch (measured in docs/troubleshooting.md: about 2x slower for the tiny NB201 network).
/// Set ACTORNAS_ONEDNN=on to keep oneDNN anyway (then under the SSE41 cap unless DNNL_MAX_CPU_ISA says otherwise).
/// TorchSharp has no switch for it, so this calls libtorch's <c>at::Context::setUserEnabledMkldnn</c> by its symbol in the
/// libtorch TorchSharp loaded; a libtorch without that symbol leaves oneDNN as it is.
/// </summary>
public static class OneDnnSwitch
{
    public const string Override = "ACTORNAS_ONEDNN";
    private static readonly Lazy<bool> Switched = new(SwitchOff, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>True when this process turned oneDNN off (after the first network was built).</summary>
    public static bool Off => Switched.IsValueCreated && Switched.Value;

    /// <summary>
    /// Turns oneDNN off once per process where the CPU needs it. Called where networks are built, not when the library
    /// loads: it loads libtorch (about 0.4 s), which commands such as `status` never need.
    /// </summary>
    public static void ApplyOnce() => _ = Switched.Value;

    private static bool SwitchOff()
    {
        if (!OneDnnIsaCap.OnAffectedCpu || string.Equals(Environment.GetEnvironmentVariable(Override), "on", StringComparison.OrdinalIgnoreCase))
            return false;
        // TorchSharp loads libtorch first; dlopen by the bare soname then returns that very copy, never a second one
        _ = TorchSharp.torch.get_num_threads();
        if (!NativeLibrary.TryLoad("libtorch_cpu.so", out var libtorch)
            || !NativeLibrary.TryGetExport(libtorch, "_ZN2at13globalContextEv", out var globalContext)
            || !NativeLibrary.TryGetExport(libtorch, "_ZN2at7Context20setUserEnabledMkldnnEb", out var setEnabled)
            || !NativeLibrary.TryGetExport(libtorch, "_ZNK2at7Context17userEnabledMkldnnEv", out var getEnabled))
            return false;
        var context = Marshal.GetDelegateForFunctionPointer<GlobalContextFunction>(globalContext)();
        Marshal.GetDelegateForFunctionPointer<SetEnabledFunction>(setEnabled)(context, false);
        // without oneDNN a convolution asks NNPACK next, which cannot start on this CPU and says so on stderr at every
        // call ("Could not initialize NNPACK! Reason: Unsupported hardware": 2,400 lines for two tiny trainings)
        if (NativeLibrary.TryGetExport(libtorch, "_ZN2at7Context20setUserEnabledNNPACKEb", out var setNnpack))
            Marshal.GetDelegateForFunctionPointer<SetEnabledFunction>(setNnpack)(context, false);
        return !Marshal.GetDelegateForFunctionPointer<GetEnabledFunction>(getEnabled)(context);
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr GlobalContextFunction();

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void SetEnabledFunction(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    [return: MarshalAs(UnmanagedType.U1)]
    private delegate bool GetEnabledFunction(IntPtr context);
}
