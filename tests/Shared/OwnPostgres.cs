using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ActorNas.Tests.Shared;

/// <summary>
/// A PostgreSQL server of the test's own (initdb in a temporary folder, loopback, a free port) that the test can stop
/// and start again: the outage a search meets when its database restarts or fails over. The shared server of
/// ACTORNAS_TEST_POSTGRES cannot be stopped under the other tests. Needs the server programs (Debian's postgresql
/// package, which .ci/run installs); as root they run as the postgres user.
/// </summary>
/// <remarks>One file, compiled into the integration tests and the benchmarks (see their csproj).</remarks>
internal sealed class OwnPostgres : IDisposable
{
    private readonly string _bin;
    private readonly string _dir = Directory.CreateTempSubdirectory("actornas-pg-").FullName;
    private readonly bool _asPostgres = Environment.UserName == "root";

    public int Port { get; } = FreePort();

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Database=postgres;Username=postgres;Timeout=5";

    private string Data => Path.Combine(_dir, "data");

    /// <summary>Why no server can be started here, or null.</summary>
    public static string? SkipReason => FindBin() is null
        ? "needs PostgreSQL's server programs (initdb, pg_ctl under /usr/lib/postgresql/*/bin): apt-get install postgresql"
        : null;

    private OwnPostgres(string bin) => _bin = bin;

    public static OwnPostgres Start()
    {
        var server = new OwnPostgres(FindBin() ?? throw new InvalidOperationException(SkipReason));
        try
        {
            if (server._asPostgres)
            {
                // the server refuses to run as root; its folder must belong to the user it runs as
                Run("chmod", "755", server._dir);
                Run("chown", "postgres", server._dir);
            }
            server.Pg("initdb", "-D", server.Data, "-A", "trust", "-U", "postgres");
            server.StartServer();
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Starts the stopped server again (the same data).</summary>
    public void StartServer() =>
        Pg("pg_ctl", "-D", Data, "-l", Path.Combine(_dir, "server.log"), "-w", "-t", "60", "-o",
            $"-c listen_addresses=127.0.0.1 -p {Port} -k {_dir} -c fsync=off", "start");

    /// <summary>Stops it the way a restart does: clients are disconnected, connections refused until it is back.</summary>
    public void StopServer() => Pg("pg_ctl", "-D", Data, "-m", "fast", "-w", "stop");

    public void Dispose()
    {
        try
        {
            if (File.Exists(Path.Combine(Data, "postmaster.pid"))) Pg("pg_ctl", "-D", Data, "-m", "immediate", "-w", "stop");
        }
        catch (InvalidOperationException)
        {
            // already stopped
        }
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // a file still held open: the temp folder's own cleanup takes it
        }
    }

    /// <summary>A loopback TCP port nobody listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindBin()
    {
        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root)) return null;
        return Directory.GetDirectories(root)
            .Select(d => Path.Combine(d, "bin"))
            .Where(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "pg_ctl")))
            .OrderByDescending(b => b, StringComparer.Ordinal)
            .FirstOrDefault();
    }

    private void Pg(string program, params string[] args)
    {
        var path = Path.Combine(_bin, program);
        if (_asPostgres) Run("runuser", ["-u", "postgres", "--", path, .. args]);
        else Run(path, args);
    }

    private static void Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"`{file} {string.Join(' ', args)}` failed (exit {process.ExitCode}): {error.Trim()} {stdout.Result.Trim()}");
    }
}
