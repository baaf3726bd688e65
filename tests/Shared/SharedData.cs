namespace ActorNas.Tests.Shared;

/// <summary>Finds files of the shared data folder (<c>shared/data/...</c>, next to or above the repository).</summary>
/// <remarks>One file, compiled into every test project that needs it (see their csproj).</remarks>
internal static class SharedData
{
    /// <summary>The NAS-Bench-201 table, relative to the shared folder.</summary>
    public const string Nb201Table = "data/nb201/nb201_merged.csv";

    /// <summary>
    /// Walks up from the test binaries: a directory holding <c>shared/&lt;relative&gt;</c>, or the repository root
    /// (the one with ActorNas.sln) whose parent holds it. Null when absent.
    /// </summary>
    public static string? Find(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var here = Path.Combine(dir.FullName, "shared", relative);
            if (File.Exists(here)) return here;
            if (File.Exists(Path.Combine(dir.FullName, "ActorNas.sln")) && dir.Parent is not null)
            {
                var beside = Path.Combine(dir.Parent.FullName, "shared", relative);
                if (File.Exists(beside)) return beside;
            }
        }
        return null;
    }
}
