using ActorNas.Actors.Configuration;

namespace ActorNas.Cli.Commands;

/// <summary>Checks a --search-id: it names files and log rows, so only a safe set of characters.</summary>
internal static class SearchIds
{
    public static string Validate(string id)
    {
        if (id.Length is 0 or > 100 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw new SettingsException($"--search-id \"{id}\" is not valid: use 1 to 100 letters, digits, '-', '_' or '.'");
        return id;
    }
}
