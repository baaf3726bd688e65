namespace ActorNas.Tests.Shared;

/// <summary>The repository's root folder (the one holding ActorNas.sln), found by walking up from the test binaries.</summary>
/// <remarks>One file, compiled into every test project that needs it (see their csproj).</remarks>
internal static class RepositoryRoot
{
    public static string Path()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "ActorNas.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no ActorNas.sln above {AppContext.BaseDirectory}");
    }
}
