using ActorNas.Actors.Configuration;
using ActorNas.Actors.Evaluators.Command;
using ActorNas.Core;
using ActorNas.Core.Evaluation;
using ActorNas.Core.Spaces;

namespace ActorNas.Actors.Tests.Evaluators;

/// <summary>A temp folder of small bash scripts for the command evaluator, removed on dispose.</summary>
internal sealed class CommandScripts : IDisposable
{
    public CommandScripts()
    {
        Folder = Path.Combine(Path.GetTempPath(), "actornas-cmd-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Folder);
    }

    public string Folder { get; }

    /// <summary>A marker unique to this test run, to find its processes in /proc/*/cmdline.</summary>
    public string Marker { get; } = "1000." + Random.Shared.NextInt64(100_000_000_000, 999_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string File(string name) => Path.Combine(Folder, name);

    /// <summary>Writes a bash script and returns the settings that run it.</summary>
    public CommandSettings Bash(string body, TimeSpan? killGrace = null) =>
        CommandSettings.Default with
        {
            Command = ["bash", Write("script.sh", body)],
            Gpus = [],
            KillGrace = killGrace ?? TimeSpan.FromSeconds(10),
            CheckpointDir = File("checkpoints"),
        };

    public string Write(string name, string text)
    {
        var path = File(name);
        System.IO.File.WriteAllText(path, text.ReplaceLineEndings("\n"));
        return path;
    }

    public static EvaluationContext Context(int slot = 0) => new("search-7", Nb201Space.Instance, 42, $"node-a/slot-{slot}", "node-a", slot);

    public static Candidate Candidate(long id = 5, long? parent = 3, int attempt = 1) => new(id, parent, new Genotype([3, 0, 4, 1, 1, 2]), attempt);

    /// <summary>The processes whose command line holds <paramref name="marker"/> (zombies have none, and do not count).</summary>
    /// <summary>
    /// The processes with <paramref name="marker"/> on their command line once they have had <paramref name="within"/>
    /// to end: SIGKILL is delivered asynchronously, so a process killed a moment ago can still be listed on a busy
    /// machine; one still there after that is an orphan.
    /// </summary>
    public static async Task<IReadOnlyList<int>> SurvivorsWith(string marker, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var found = ProcessesWith(marker);
            if (found.Count == 0 || DateTime.UtcNow > deadline) return found;
            await Task.Delay(50);
        }
    }

    public static IReadOnlyList<int> ProcessesWith(string marker)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                if (System.IO.File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(marker, StringComparison.Ordinal)) found.Add(pid);
            }
            catch (IOException)
            {
                // it ended while we looked
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return found;
    }

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); }
        catch (IOException) { }
    }
}
