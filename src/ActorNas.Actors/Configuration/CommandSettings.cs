namespace ActorNas.Actors.Configuration;

/// <summary>
/// The command evaluator (HOCON <c>actornas.evaluator.command</c>): one process per candidate attempt.
/// </summary>
/// <param name="Command">The program and its arguments, as a list (never a shell string).</param>
/// <param name="WorkingDirectory">Where the process runs; empty: the search process's working directory.</param>
/// <param name="Environment">Variables added to the process's environment.</param>
/// <param name="Gpus">The GPUs slots are given round-robin; null: auto (what nvidia-smi -L lists, none without it).</param>
/// <param name="KillGrace">After SIGTERM to its process group, how long the process has before SIGKILL.</param>
/// <param name="CheckpointDir">The folder of the per-candidate checkpoint folders; empty: the caller's default.</param>
public sealed record CommandSettings(
    IReadOnlyList<string> Command,
    string WorkingDirectory,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyList<int>? Gpus,
    TimeSpan KillGrace,
    string CheckpointDir)
{
    /// <summary>The folder an empty <see cref="CheckpointDir"/> stands for where nobody chose one (an embedding host).</summary>
    public const string DefaultCheckpointFolder = "actornas-checkpoints";

    public static CommandSettings Default { get; } =
        new(["python3", "train.py"], "", new Dictionary<string, string>(), null, TimeSpan.FromSeconds(10), "");

    /// <summary>The checkpoint root as a full path.</summary>
    public string CheckpointRoot => Path.GetFullPath(CheckpointDir.Length > 0 ? CheckpointDir : DefaultCheckpointFolder);

    /// <summary>Reads <c>actornas.evaluator.command</c>; the shape of every key is checked whichever evaluator runs.</summary>
    internal static CommandSettings Read(SettingsReader reader)
    {
        const string section = "evaluator.command";
        var command = reader.StringList($"{section}.command");
        if (command.Count == 0 || string.IsNullOrWhiteSpace(command[0]))
            throw new SettingsException($"actornas.{section}.command is empty; give the program and its arguments as a list, " +
                "such as command = [\"python3\", \"train.py\"]");
        var environment = reader.StringMap($"{section}.environment");
        foreach (var name in environment.Keys)
            if (name.StartsWith("ACTORNAS_", StringComparison.Ordinal) || name == "CUDA_VISIBLE_DEVICES")
                throw new SettingsException($"actornas.{section}.environment sets {name}, which the command evaluator sets for each " +
                    "candidate; remove it" + (name == "CUDA_VISIBLE_DEVICES" ? $" and choose the GPUs with actornas.{section}.gpus" : ""));
        return new CommandSettings(
            command,
            reader.String($"{section}.working-directory", allowEmpty: true),
            environment,
            ReadGpus(reader, $"{section}.gpus"),
            reader.Duration($"{section}.kill-grace"),
            reader.String($"{section}.checkpoint-dir", allowEmpty: true));
    }

    private static IReadOnlyList<int>? ReadGpus(SettingsReader reader, string key)
    {
        if (reader.IsList(key))
        {
            var list = reader.IntList(key);
            if (list.Any(g => g < 0)) throw new SettingsException($"actornas.{key} lists a negative GPU index; GPU indices start at 0");
            return list;
        }
        return reader.String(key).Trim().ToLowerInvariant() switch
        {
            "auto" => null,
            "none" or "cpu" => [],
            var other => throw new SettingsException($"actornas.{key} = {other} is not auto, none or a list of GPU indices such as [0, 1]"),
        };
    }

    private static bool LooksLikeScript(string argument) =>
        !argument.StartsWith('-') && (argument.EndsWith(".py", StringComparison.Ordinal) || argument.EndsWith(".sh", StringComparison.Ordinal));

    /// <summary>What can be checked of this machine before a search starts: the program, the folder, the tools.</summary>
    /// <param name="abandonAfter">actornas.evaluator.abandon-after: a slot must not give up before the kill grace ends.</param>
    internal void ValidateForUse(TimeSpan abandonAfter)
    {
        const string section = "actornas.evaluator.command";
        if (WorkingDirectory.Length > 0 && !Directory.Exists(WorkingDirectory))
            throw new SettingsException($"{section}.working-directory \"{WorkingDirectory}\" does not exist; create it or fix the path");
        if (KillGrace >= abandonAfter)
            throw new SettingsException($"{section}.kill-grace ({KillGrace}) must be shorter than actornas.evaluator.abandon-after " +
                $"({abandonAfter}), or a slot gives up on a process that is still being stopped; lower kill-grace or raise abandon-after");
        if (ExecutableSearch.Find(Command[0], WorkingDirectory) is null)
            throw new SettingsException($"{section}.command: the program \"{Command[0]}\" " +
                (Command[0].Contains('/', StringComparison.Ordinal) ? "does not exist or is not executable" : "is not on the PATH") +
                "; give an installed program (such as python3 or bash) or the full path of an executable file");
        // the default (python3 train.py) run where train.py is not would fail every attempt of every candidate
        var folder = WorkingDirectory.Length > 0 ? Path.GetFullPath(WorkingDirectory) : Directory.GetCurrentDirectory();
        foreach (var script in Command.Skip(1).Where(LooksLikeScript))
            if (!File.Exists(Path.GetFullPath(script, folder)))
                throw new SettingsException($"{section}.command names the script \"{script}\", which does not exist in {folder}; " +
                    $"give its full path, or set {section}.working-directory to its folder");
        foreach (var tool in new[] { "setsid", "setpriv", "bash" })
            if (ExecutableSearch.Find(tool, "") is null)
                throw new SettingsException($"the command evaluator needs {tool} on the PATH (util-linux and bash; on Debian: " +
                    "apt-get install util-linux bash) to run each candidate in a process group of its own");
    }
}
