using System.CommandLine;
using ActorNas.Actors.Configuration;
using ActorNas.Cli.Running;

namespace ActorNas.Cli.Commands;

/// <summary>`actornas seed`: a population node of a cluster search (the first one seeds the cluster).</summary>
internal static class SeedCommand
{
    public static Command Create()
    {
        var flags = new SearchFlags(withDb: false, "Name of the search; every population node of one search names the same (required)",
            "actornas-seed-PORT.log in the current folder");
        var cluster = new ClusterFlags();
        var command = new Command("seed", "Start a population node of a cluster search (log in PostgreSQL; see docs/cluster.md). " +
            "Every population node of a search gets the same search flags; the oldest runs the Population, another takes over when it dies");
        flags.AddTo(command);
        cluster.AddTo(command);
        var web = new WebFlags();
        web.AddTo(command);
        command.SetAction((parse, cancel) => CommandGuard.RunAsync(parse.GetValue(flags.Verbose), parse.GetValue(flags.Json), async () =>
        {
            var id = parse.GetValue(flags.SearchIdOption)
                ?? throw new SettingsException("seed needs --search-id: every population node of one search must name the same search");
            var request = new SearchRequest(SearchIds.Validate(id), Db: "", IsNew: true,
                flags.SettingsText(parse), parse.GetValue(flags.Json), parse.GetValue(flags.LogFile), Web: web.Of(parse));
            return await ClusterRunner.SeedAsync(request, cluster.Text(parse, parse.GetValue(flags.Config)), cancel).ConfigureAwait(false);
        }));
        return command;
    }
}

/// <summary>`actornas worker`: an evaluator node; it learns the search from the Population and pulls work.</summary>
internal static class WorkerCommand
{
    public static Command Create()
    {
        var cluster = new ClusterFlags();
        var slots = new Option<int?>("--slots") { Description = "Evaluator slots on this node (default: one per GPU, else one per CPU core)" };
        var role = new Option<string>("--role") { Description = "Cluster role of this node: evaluator", DefaultValueFactory = _ => "evaluator" };
        var config = CliOptions.Config();
        var json = CliOptions.Json();
        var verbose = CliOptions.Verbose();
        var logFile = CliOptions.LogFile("actornas-worker-PID.log in the current folder");
        var command = new Command("worker", "Start an evaluator node that joins a cluster search (--join HOST:PORT) and evaluates until the search is over")
        {
            slots, role, config, json, verbose, logFile,
        };
        cluster.AddTo(command);
        command.SetAction((parse, cancel) => CommandGuard.RunAsync(parse.GetValue(verbose), parse.GetValue(json), async () =>
        {
            if (parse.GetValue(role) != "evaluator")
                throw new SettingsException($"--role {parse.GetValue(role)}: a worker has the role evaluator; population nodes start with `actornas seed`");
            if (parse.GetValue(slots) is < 1)
                throw new SettingsException($"--slots {parse.GetValue(slots)}: a worker needs at least one slot");
            var text = cluster.Text(parse, parse.GetValue(config), defaultPort: 0);
            return await ClusterRunner.WorkerAsync(text, parse.GetValue(slots), parse.GetValue(json), parse.GetValue(logFile), cancel).ConfigureAwait(false);
        }));
        return command;
    }
}
