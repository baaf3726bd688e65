using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ActorNas.Torch.Training;

/// <summary>
/// libtorch 2.10's oneDNN convolutions return NaN gradients on AMD Zen 5 (CPU family 26) through their AVX-512 code
/// (measured: conv backward NaN with DNNL_MAX_CPU_ISA unset, AVX512_CORE, _VNNI or _BF16; correct with AVX2_VNNI or AVX2;
/// a tiny NB201 network then trains to 9 % instead of 70 % on Fashion-MNIST). On that family, unless the user set
/// DNNL_MAX_CPU_ISA, oneDNN is capped at AVX2_VNNI before libtorch reads the variable (at its first convolution).
/// </summary>
public static class OneDnnIsaCap
{
    public const string Variable = "DNNL_MAX_CPU_ISA";
    public const string Cap = "AVX2_VNNI";

    /// <summary>True when this process capped oneDNN (for logs and `--verbose`).</summary>
    public static bool Applied { get; private set; }

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnv(string name, string value, int overwrite);

    // Runs when ActorNas.Torch loads: before any network of ours is built, so before libtorch's first convolution.
#pragma warning disable CA2255 // deliberate: a library initializer is the only point that runs before every caller's first convolution
    [ModuleInitializer]
    internal static void ApplyOnLoad()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(Variable) is not null) return;
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
        if (!Needed(cpuInfo)) return;
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
