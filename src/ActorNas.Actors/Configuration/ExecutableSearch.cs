namespace ActorNas.Actors.Configuration;

/// <summary>Where a program name resolves, as execvp would find it: a path (relative to a working directory), or the PATH.</summary>
internal static class ExecutableSearch
{
    public static string? Find(string program, string workingDirectory)
    {
        if (program.Contains('/', StringComparison.Ordinal))
        {
            var full = Path.GetFullPath(program, workingDirectory.Length > 0 ? Path.GetFullPath(workingDirectory) : Directory.GetCurrentDirectory());
            return IsExecutable(full) ? full : null;
        }
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, program))
            .FirstOrDefault(IsExecutable);
    }

    private static bool IsExecutable(string file)
    {
        if (!File.Exists(file)) return false;
        if (OperatingSystem.IsWindows()) return true;
        var mode = File.GetUnixFileMode(file);
        return (mode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
    }
}
