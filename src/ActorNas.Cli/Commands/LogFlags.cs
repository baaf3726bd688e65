using System.CommandLine;

namespace ActorNas.Cli.Commands;

/// <summary>
/// The flags of a command that reads a search's log or continues it: where the log lives (--db, --config), which search
/// (--search-id) and how to report (--json, --verbose). Declared once so that every such command says them alike.
/// </summary>
internal sealed class LogFlags
{
    /// <param name="searchId">What --search-id means for this command; null when it takes none (`list`).</param>
    /// <param name="json">False for a command that prints no JSON summary (`export` writes a file).</param>
    public LogFlags(string? searchId, bool json = true)
    {
        SearchId = CliOptions.SearchId(searchId ?? "");
        _takesSearchId = searchId is not null;
        Json = CliOptions.Json();
        _takesJson = json;
    }

    private readonly bool _takesSearchId;
    private readonly bool _takesJson;

    public Option<string> Db { get; } = CliOptions.Db();
    public Option<string?> SearchId { get; }
    public Option<FileInfo?> Config { get; } = CliOptions.Config();
    public Option<bool> Json { get; }
    public Option<bool> Verbose { get; } = CliOptions.Verbose();

    /// <summary>Adds these flags to <paramref name="command"/> after its own.</summary>
    public Command AddTo(Command command)
    {
        command.Options.Add(Db);
        if (_takesSearchId) command.Options.Add(SearchId);
        command.Options.Add(Config);
        if (_takesJson) command.Options.Add(Json);
        command.Options.Add(Verbose);
        return command;
    }
}
