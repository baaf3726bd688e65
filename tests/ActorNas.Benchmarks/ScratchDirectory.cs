using Microsoft.Data.Sqlite;

namespace ActorNas.Benchmarks;

/// <summary>A fresh temporary directory for the benchmark's database files, removed afterwards.</summary>
internal sealed class ScratchDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("actornas-bench-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();   // pooled connections hold the files open
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"note: could not remove {Path}: {e.Message}");
        }
    }
}
