namespace ActorNas.Actors.Persistence;

/// <summary>
/// A path with every symbolic link along it resolved (like realpath(3)), so that two spellings of one file compare
/// equal: a database reached through a link gets the same lock, and an output path that is the database by another
/// name is recognised. Components that do not exist yet are kept as written.
/// </summary>
public static class RealPath
{
    private const int MaxLinks = 40;   // the kernel's own limit on links followed in one lookup

    public static string Of(string path)
    {
        var absolute = Path.IsPathRooted(path) ? path : Path.Combine(Directory.GetCurrentDirectory(), path);
        var root = Path.GetPathRoot(absolute) ?? "/";
        var pending = new Queue<string>(Split(absolute));
        var resolved = root;
        var links = 0;
        while (pending.Count > 0)
        {
            var part = pending.Dequeue();
            if (part == ".") continue;
            if (part == "..")
            {
                // after the links before it are resolved, as the kernel does: a/link/.. is the link target's parent
                resolved = Path.GetDirectoryName(resolved) ?? root;
                continue;
            }
            var next = Path.Combine(resolved, part);
            if (new FileInfo(next).LinkTarget is not { } target)
            {
                resolved = next;
                continue;
            }
            if (++links > MaxLinks) throw new IOException($"too many symbolic links in \"{path}\"");
            // the link's target takes its place; a relative target is read from the link's own directory
            var targetPath = Path.IsPathRooted(target) ? target : Path.Combine(resolved, target);
            pending = new Queue<string>([.. Split(targetPath), .. pending]);
            resolved = Path.GetPathRoot(targetPath) ?? root;
        }
        return resolved;
    }

    /// <summary>True when both paths name the same file once links are resolved.</summary>
    public static bool Same(string a, string b) => string.Equals(Of(a), Of(b), StringComparison.Ordinal);

    private static string[] Split(string absolute) =>
        absolute[(Path.GetPathRoot(absolute)?.Length ?? 0)..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
}
