using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ActorNas.Torch.Training;

/// <summary>
/// libtorch 2.10's oneDNN convolutions return NaN gradients on AMD Zen 5 (CPU family 26): always through their AVX-512
/// code (DNNL_MAX_CPU_ISA unset, AVX512_CORE, _VNNI or _BF16), and now and then through their AVX2 code (capped at
/// AVX2_VNNI, the tiny NB201 network of the Fashion-MNIST test trained to NaN in 1 of 5 runs on a loaded machine, and a
/// fresh-clone CI run had three tests do so); capped at SSE41 it trained correctly in 5 of 5. On that family, unless the
/// user set DNNL_MAX_CPU_ISA, oneDNN is capped at SSE41 when this library loads, before libtorch reads the variable (at
/// its first convolution); <see cref="OneDnnSwitch"/> then turns oneDNN off altogether once the first network is built,
/// so the cap covers what runs before that, or with the switch overridden.
/// </summary>
public static class OneDnnIsaCap
{
    public const string Variable = "DNNL_MAX_CPU_ISA";
    public const string Cap = "SSE41";

    /// <summary>True on the CPU family whose oneDNN kernels give NaN (see also <see cref="OneDnnSwitch"/>).</summary>
    public static bool OnAffectedCpu { get; private set; }

    /// <summary>True when this process capped oneDNN (for logs and `--verbose`).</summary>
    public static bool Applied { get; private set; }

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnv(string name, string value, int overwrite);

    // Runs when ActorNas.Torch loads: before any network of ours is built, so before libtorch's first convolution.
#pragma warning disable CA2255 // deliberate: a library initializer is the only point that runs before every caller's first convolution
    [ModuleInitializer]
    internal static void ApplyOnLoad()
    {
        if (!OperatingSystem.IsLinux()) return;
        string cpuInfo;
        try
        {
            cpuInfo = File.ReadAllText("/proc/cpuinfo");
        }
        catch (IOException)
        {
            return;
        }
        catch (UnauthorizedAccessException)
        {
            return;
        }
        OnAffectedCpu = Needed(cpuInfo);
        if (!OnAffectedCpu || Environment.GetEnvironmentVariable(Variable) is not null) return;
        try
        {
            // .NET keeps its own copy of the environment on Unix: only libc's setenv reaches libtorch's getenv
            Applied = SetEnv(Variable, Cap, overwrite: 0) == 0;
            Environment.SetEnvironmentVariable(Variable, Cap);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // not glibc: leave oneDNN as it is
        }
    }
#pragma warning restore CA2255

    /// <summary>Whether /proc/cpuinfo describes the CPU family whose AVX-512 oneDNN kernels give NaN.</summary>
    public static bool Needed(string cpuInfo)
    {
        var amd = false;
        int? family = null;
        foreach (var line in cpuInfo.Split('\n'))
        {
            var colon = line.IndexOf(':');
            if (colon < 0) continue;
            var key = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (key == "vendor_id") amd = value == "AuthenticAMD";
            else if (key == "cpu family" && int.TryParse(value, out var f)) family = f;
            if (family is not null && key == "flags") break;   // the first processor tells
        }
        return amd && family == 26;
    }
}
