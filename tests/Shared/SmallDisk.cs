using System.Diagnostics;

namespace ActorNas.Tests.Shared;

/// <summary>
/// A tmpfs of a few megabytes mounted for one test: a real file system that fills up, and can be remounted
/// read-only. Mounting needs root (CI runs as root); elsewhere the tests that use it skip with <see cref="SkipReason"/>.
/// </summary>
/// <remarks>One file, compiled into the integration tests and the benchmarks (see their csproj).</remarks>
internal sealed class SmallDisk : IDisposable
{
    public const string SkipPrefix = "needs root to mount a tmpfs:";

    private SmallDisk(string path) => Path = path;

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Why a small disk cannot be mounted here, or null when it can.</summary>
    public static string? SkipReason { get; } = Probe();

    public static SmallDisk Mount(int megabytes)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "actornas-disk-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(path);
        Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", path);
        return new SmallDisk(path);
    }

    /// <summary>Remounts read-only (or writable again); no file on it may be open for writing.</summary>
    public void Remount(bool readOnly) => Run("mount", "-o", readOnly ? "remount,ro" : "remount,rw", Path);

    public void Dispose()
    {
        try
        {
            Run("umount", "-l", Path);
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
            // left for the OS to clean: a failed unmount must not hide the test's own result
        }
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux()) return $"{SkipPrefix} these tests mount a Linux tmpfs";
        if (Environment.UserName != "root") return $"{SkipPrefix} this test process runs as {Environment.UserName}";
        try
        {
            using var disk = Mount(1);
            return null;
        }
        catch (InvalidOperationException e)
        {
            return $"{SkipPrefix} {e.Message}";
        }
    }

    private static void Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"`{file} {string.Join(' ', args)}` failed (exit {process.ExitCode}): {error.Trim()}");
    }
}
