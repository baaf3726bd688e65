using System.CommandLine;
using ActorNas.Web;

namespace ActorNas.Cli.Commands;

/// <summary>--web [PORT], --web-bind and --web-token of run, resume and seed: the live page of the search this process runs.</summary>
internal sealed class WebFlags
{
    private readonly Option<int?> _web = new("--web")
    {
        Description = $"Serve the live page of this search from this process on PORT (default {WebOptions.DefaultPort}); see docs/web.md",
        Arity = ArgumentArity.ZeroOrOne,
        HelpName = "PORT",
    };

    private readonly Option<string> _bind = new("--web-bind")
    {
        Description = "Address the page listens on; outside loopback it needs --web-token",
        DefaultValueFactory = _ => WebOptions.DefaultBind,
    };

    private readonly Option<string?> _token = Token(
        $"Token the page's pause, resume and stop buttons send (or {WebOptions.TokenVariable}); without it the page is read-only");

    public static Option<string?> Token(string description) => new("--web-token") { Description = description, HelpName = "TOKEN" };

    public void AddTo(Command command)
    {
        command.Options.Add(_web);
        command.Options.Add(_bind);
        command.Options.Add(_token);
    }

    /// <summary>The page's settings when --web was given, else null; checked before anything starts.</summary>
    public WebOptions? Of(ParseResult parse)
    {
        if (parse.GetResult(_web) is null) return null;
        var options = new WebOptions(parse.GetValue(_web) ?? WebOptions.DefaultPort, parse.GetValue(_bind)!, WebOptions.TokenOf(parse.GetValue(_token)));
        options.Address();   // a bad address, or one outside loopback without a token, is refused before the search starts
        return options;
    }
}
