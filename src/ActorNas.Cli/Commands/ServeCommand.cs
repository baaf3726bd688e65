using System.CommandLine;
using ActorNas.Cli.Running;
using ActorNas.Web;

namespace ActorNas.Cli.Commands;

/// <summary>`actornas serve`: the live web page of every search in a log, until Ctrl+C.</summary>
internal static class ServeCommand
{
    /// <summary>How often serve looks again at a database that holds no search log yet.</summary>
    private static readonly TimeSpan JournalPoll = TimeSpan.FromMilliseconds(500);

    public static Command Create()
    {
        var log = new LogFlags(searchId: null, json: false);
        var port = new Option<int>("--port") { Description = "TCP port of the page", DefaultValueFactory = _ => WebOptions.DefaultPort };
        var bind = new Option<string>("--bind")
        {
            Description = "Address to listen on; outside loopback it needs --web-token",
            DefaultValueFactory = _ => WebOptions.DefaultBind,
        };
        var token = WebFlags.Token($"Needed to listen outside loopback (or {WebOptions.TokenVariable}); the page stays read-only: pause, resume " +
            "and stop work on the page of the process that runs the search (--web of run, resume, seed)");
        var command = new Command("serve", "Serve a live web page of every search in a log (SQLite or PostgreSQL) until Ctrl+C; see docs/web.md")
        {
            port, bind, token,
        };
        log.AddTo(command);
        command.SetAction((parse, cancel) => CommandGuard.RunAsync(parse.GetValue(log.Verbose), json: false, async () =>
        {
            var options = new WebOptions(parse.GetValue(port), parse.GetValue(bind)!, WebOptions.TokenOf(parse.GetValue(token)));
            options.Address();
            var path = parse.GetValue(log.Db)!;
            Logging.Configure(null, path);
            var storeConfig = CliOptions.StoreConfig(parse.GetValue(log.Config));
            // a log is only read from the moment it exists: served before the first search makes its tables, the page
            // would list nothing until restarted, so serve waits for them (a run started just before serve, say)
            try
            {
                await StoreHost.WaitForJournalAsync(StoreHost.ReadPersistence(storeConfig, path), JournalPoll, cancel);
            }
            catch (OperationCanceledException)
            {
                return ExitCodes.Ok;   // Ctrl+C before any search started
            }
            await using var store = StoreHost.OpenForReading(storeConfig, path);
            await using var server = await SearchWebServer.StartAsync(store.Log, path, options, cancellationToken: cancel);
            Console.WriteLine($"serving the searches of {store.Where} at {server.Address}/ (Ctrl+C stops)");
            try
            {
                await Task.Delay(Timeout.Infinite, cancel);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C
            }
            return ExitCodes.Ok;
        }));
        return command;
    }
}
