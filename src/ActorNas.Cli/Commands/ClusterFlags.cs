using System.CommandLine;
using ActorNas.Actors.Configuration;

namespace ActorNas.Cli.Commands;

/// <summary>
/// Where a cluster node listens and whom it joins. These become actornas.cluster.* overrides of this process only:
/// they are never recorded with the search (every node of one search has its own address).
/// </summary>
internal sealed class ClusterFlags
{
    public Option<string?> Hostname { get; } = new("--hostname") { Description = "Address to bind remoting to (default 127.0.0.1: this machine only)" };
    public Option<int?> Port { get; } = new("--port") { Description = "TCP port of this node (0 = any free port)" };
    public Option<string[]> Join { get; } = new("--join")
    {
        Description = "Seed node HOST:PORT to join (repeatable); left out on the first population node",
        AllowMultipleArgumentsPerToken = true,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Hostname);
        command.Options.Add(Port);
        command.Options.Add(Join);
    }

    /// <summary>The --config file's text, then these flags as HOCON lines (later lines win).</summary>
    public string Text(ParseResult parse, FileInfo? config, int? defaultPort = null, int? slots = null)
    {
        var fileText = config is null ? "" : ActorNasConfig.ReadFile(config.FullName);
        var overrides = new HoconOverrides()
            .Set("cluster.hostname", parse.GetValue(Hostname))
            .Set("cluster.port", parse.GetValue(Port) ?? (PortIn(fileText, config) ? null : defaultPort))
            .Set("cluster.slots", slots)
            .Set("cluster.seed-nodes", parse.GetValue(Join) is { Length: > 0 } seeds ? seeds : null);
        return fileText + "\n" + overrides.Text;
    }

    private static bool PortIn(string fileText, FileInfo? config) =>
        config is not null && ActorNasConfig.Parse(fileText, $"config file \"{config.FullName}\"").HasPath("actornas.cluster.port");
}
