using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace ActorNas.Actors.Evaluators.Command;

/// <summary>Which GPUs a slot's process sees (CUDA_VISIBLE_DEVICES): round-robin over the GPUs of the node.</summary>
public static partial class GpuSlots
{
    /// <summary>The indices of the GPUs in <c>nvidia-smi -L</c>'s output ("GPU 0: NVIDIA H100 (UUID: GPU-...)"); MIG lines are not GPUs.</summary>
    public static IReadOnlyList<int> ParseNvidiaSmiList(string output) =>
        output.Split('\n')
            .Select(line => GpuLine().Match(line))
            .Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))
            .ToList();

    /// <summary>CUDA_VISIBLE_DEVICES of slot <paramref name="slot"/>: one GPU per slot, round-robin; "" (CPU) without GPUs.</summary>
    public static string VisibleDevices(IReadOnlyList<int> gpus, int slot) =>
        gpus.Count == 0 ? "" : gpus[slot % gpus.Count].ToString(CultureInfo.InvariantCulture);

    /// <summary>The GPUs <c>nvidia-smi -L</c> lists here; none when it is missing or fails (then the slots run on the CPU).</summary>
    public static IReadOnlyList<int> Detect()
    {
        try
        {
            var info = new ProcessStartInfo("nvidia-smi", ["-L"]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var process = Process.Start(info);
            if (process is null) return [];
            var output = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(30)) || process.ExitCode != 0) return [];
            return ParseNvidiaSmiList(output.GetAwaiter().GetResult());
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return [];   // no nvidia-smi: no NVIDIA driver, CPU slots
        }
    }

    [GeneratedRegex(@"^GPU (\d+):")]
    private static partial Regex GpuLine();
}
